"""Site-wide pages: home, about the network, charter, legal notice, accessibility."""

from django.utils.formats import date_format
from django.views.generic import TemplateView

from apes_portal.models import KeyFigure
from core.data import per_data_version

CHARTER_PRINCIPLES = [
    {
        "slug": "utilite-sociale",
        "name": "Utilité sociale",
        "text": "L'activité répond à des besoins du territoire et de ses habitants, "
        "en particulier de celles et ceux que le marché laisse de côté.",
    },
    {
        "slug": "ancrage-territorial",
        "name": "Ancrage territorial",
        "text": "Le projet naît d'un territoire, s'appuie sur ses ressources et coopère "
        "avec les acteurs qui y vivent et y travaillent.",
    },
    {
        "slug": "gouvernance-democratique",
        "name": "Gouvernance démocratique",
        "text": "Salariés, bénévoles, usagers et partenaires prennent part aux décisions ; "
        "le pouvoir ne dépend pas du capital détenu.",
    },
    {
        "slug": "lucrativite-limitee",
        "name": "Lucrativité limitée",
        "text": "Les excédents servent d'abord le projet et sa pérennité, pas l'enrichissement individuel.",
    },
]


class HomeView(TemplateView):
    template_name = "pages/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["key_figures"] = key_figures()
        context["principles"] = CHARTER_PRINCIPLES
        return context


class CharterView(TemplateView):
    template_name = "pages/charter.html"
    extra_context = {"principles": CHARTER_PRINCIPLES}


@per_data_version("site")
def key_figures():
    """The network's key figures as the home page shows them, worked out once per data version of the site in
    each process (any staff edit starts a new one): the figures, and the date and source of the first. The home
    page is never page-cached; its one query was 40 % of its work (bench/RESULTS-misses.md), and formatting the
    date with its French month name (`|date:"j F Y"`) another 8 % of its instructions on every request, for
    figures that change a few times a year."""
    figures = list(KeyFigure.objects.all())
    first = figures[0] if figures else None
    return {
        "figures": figures,
        "as_of": date_format(first.as_of, "j F Y") if first else "",
        "source": first.source if first else "",
    }
