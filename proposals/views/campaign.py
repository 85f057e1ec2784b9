"""The campaign page: the proposals axis by axis, with local examples, and after the vote the term's follow-up.

The page runs a fixed number of queries whatever the number of axes, proposals, examples or commitments
(pinned in tests/proposals).
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from directory.models import Organisation
from proposals.forms import TerritoryForm
from proposals.models import Campaign, Commitment, CommitmentUpdate, Proposal
from proposals.nearby import (
    commune_label,
    find_commune_by_insee,
    order_by_proximity,
    place_of_initiative,
    place_of_organisation,
    territory_for,
)
from publications.models import Publication
from territories.models import Commune, Initiative

#: Latest follow-up updates shown at the top of the campaign page once the term has started.
LATEST_UPDATES_SHOWN = 5


def get_current_campaign():
    campaign = Campaign.objects.current()
    if campaign is None:
        raise Http404("Aucune campagne n'est publiée pour le moment.")
    return campaign


# Campaign page ------------------------------------------------------------------------------


@dataclass
class Example:
    """An organisation or an initiative illustrating a proposal, as the page shows it."""

    kind: str
    title: str
    url: str
    summary: str
    where: str
    place: object
    is_nearby: bool = False


def organisation_example(organisation):
    return Example(
        kind="Organisation",
        title=organisation.name,
        url=organisation.get_absolute_url(),
        summary=organisation.short_description,
        where=organisation.commune.name if organisation.commune else "",
        place=place_of_organisation(organisation),
    )


def initiative_example(initiative):
    names = [c.name for c in initiative.communes.all()] or [e.name for e in initiative.epcis.all()]
    return Example(
        kind="Initiative inspirante",
        title=initiative.title,
        url=initiative.get_absolute_url(),
        summary=initiative.summary,
        where=", ".join(names[:3]),
        place=place_of_initiative(initiative),
    )


def campaign_axes(campaign):
    """The campaign's axes with their proposals, examples and publications prefetched (9 queries in all)."""
    organisations = Organisation.objects.published().select_related("commune").order_by("name")
    initiatives = Initiative.objects.published().prefetch_related(
        Prefetch("communes", queryset=Commune.objects.only("pk", "name", "epci_id", "department_id")),
        "epcis",
        "departments",
    )
    proposals = (
        Proposal.objects.with_commitment_counts()
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch("example_organisations", queryset=organisations),
            Prefetch("example_initiatives", queryset=initiatives),
            Prefetch("publications", queryset=Publication.objects.published().only("pk", "slug", "title")),
            "themes",
        )
    )
    return campaign.axes.order_by("order", "pk").prefetch_related(Prefetch("proposals", queryset=proposals))


def resolve_territory(params):
    """Read `?insee=<code>`, `?commune=<name, postal or INSEE code>` or `?epci=<SIREN>`.

    Returns (territory, candidates, error): a chosen territory, the communes to choose from when
    the text is ambiguous, or a French message when nothing matches.
    """
    insee = params.get("insee", "").strip()
    commune_query = params.get("commune", "").strip()[:200]
    epci_value = params.get("epci", "").strip()
    if insee:
        commune = find_commune_by_insee(insee)
        if commune:
            return territory_for(commune=commune), [], ""
        return territory_for(), [], "Ce code INSEE ne correspond à aucune commune des Hauts-de-France."
    if commune_query:
        lookup = Commune.objects.select_related("epci", "department").lookup(commune_query)
        if lookup.commune:
            return territory_for(commune=lookup.commune), [], ""
        if lookup.candidates:
            return territory_for(), lookup.candidates, ""
        return (
            territory_for(),
            [],
            f"Aucune commune des Hauts-de-France ne correspond à « {commune_query} ». "
            "Essayez le code postal ou choisissez votre intercommunalité.",
        )
    if epci_value:
        form = TerritoryForm({"epci": epci_value})
        if form.is_valid() and form.cleaned_data["epci"]:
            return territory_for(epci=form.cleaned_data["epci"]), [], ""
        return territory_for(), [], "Cette intercommunalité est inconnue : choisissez-la dans la liste."
    return territory_for(), [], ""


@require_GET
def campaign_page(request):
    """The proposals, axis by axis, with local examples first when a territory is chosen."""
    campaign = Campaign.objects.select_related("brochure").current()
    if campaign is None:
        return render(request, "proposals/no_campaign.html", status=404)
    # Shared links of the campaign era (?proposition=…) keep working; the page itself changes with the phase.
    territory, candidates, territory_error = resolve_territory(request.GET)
    axes = list(campaign_axes(campaign))
    nearby_count = 0
    for axis in axes:
        for proposal in axis.proposals.all():
            examples = [organisation_example(o) for o in proposal.example_organisations.all()]
            examples += [initiative_example(i) for i in proposal.example_initiatives.all()]
            proposal.examples = order_by_proximity(examples, territory, lambda example: example.place)
            nearby_count += sum(example.is_nearby for example in proposal.examples)
    form = TerritoryForm(initial={"epci": territory.epci.siren if territory.epci and not territory.commune else None})
    context = {
        "campaign": campaign,
        "axes": axes,
        "territory": territory,
        "territory_candidates": candidates,
        "territory_error": territory_error,
        "nearby_count": nearby_count,
        "territory_form": form,
        "commune_query": commune_label(territory.commune) if territory.commune else request.GET.get("commune", ""),
        "site_url": request.build_absolute_uri("/").rstrip("/"),
        "phase": campaign.phase,
    }
    if campaign.is_after_vote:
        # After the vote the page leads with the follow-up of the term (3 more queries).
        context["term"] = term_summary(campaign)
    return render(request, "proposals/campaign.html", context, status=400 if territory_error else 200)


def term_summary(campaign):
    """What the page leads with after the vote: how many teams committed, where, and the latest updates."""
    totals = (
        Commitment.objects.filter(campaign=campaign)
        .public()
        .aggregate(
            teams=Count("pk"),
            # Each team's EPCI as `in_epci` counts it: its own, else its commune's.
            epcis=Count(Coalesce("epci", "commune__epci"), distinct=True),
        )
    )
    # The same rule as the list's "réalisé" filter: a measure whose latest published update says done.
    done = Commitment.objects.filter(campaign=campaign).public().with_status(Commitment.FollowUp.DONE).count()
    latest = list(CommitmentUpdate.objects.public().filter(commitment__campaign=campaign)[:LATEST_UPDATES_SHOWN])
    return {"totals": totals, "teams_with_done": done, "latest": latest}
