"""Site-wide pages: home, about the network, charter, legal notice, accessibility."""

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
    """The network's key figures, read once per data version of the site in each process (any staff edit
    starts a new one). The home page is never page-cached; its one query was 40 % of its work
    (bench/RESULTS-misses.md), and the figures change a few times a year."""
    return list(KeyFigure.objects.all())
