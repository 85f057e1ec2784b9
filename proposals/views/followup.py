"""Follow-up over the term: the commitments list (filters, map), a commitment's page, a measure's page.

Each page runs a fixed number of queries whatever the number of commitments, measures or updates
(pinned in tests/proposals/test_followup.py and test_commitments.py).
"""

import json

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, ListView

from core.data import cached_data_response
from core.maps import map_config
from core.views import FilteredListMixin
from directory.models import Organisation
from proposals.filters import CommitmentFilterSet
from proposals.followup import (
    PROGRESS_LEGEND,
    chart_height,
    measure_status_counts,
    progress_class,
    status_rows,
)
from proposals.models import Commitment, CommitmentUpdate, Proposal
from proposals.views.campaign import get_current_campaign

#: Local actors suggested for each measure on a commitment's page.
LOCAL_ACTORS_SHOWN = 6


class CommitmentListView(FilteredListMixin, ListView):
    """Who committed to what, filtered by EPCI, measure and status, with counts per proposal and a map."""

    template_name = "proposals/commitment_list.html"
    context_object_name = "commitments"
    filterset_class = CommitmentFilterSet
    paginate_by = 50

    def get_base_queryset(self):
        self.campaign = get_current_campaign()
        return Commitment.objects.filter(campaign=self.campaign).for_public_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposals = Proposal.objects.with_commitment_counts().order_by("order", "pk")
        axes = self.campaign.axes.order_by("order", "pk").prefetch_related(Prefetch("proposals", queryset=proposals))
        totals = (
            Commitment.objects.filter(campaign=self.campaign)
            .public()
            .aggregate(
                signatories=Count("pk"),
                communes=Count("commune", distinct=True),
                epcis=Count("epci", distinct=True, filter=Q(commune__isnull=True)),
            )
        )
        for commitment in context["commitments"]:
            commitment.progress_class = progress_class(commitment.progress)
        context.update(
            campaign=self.campaign,
            axes=axes,
            totals=totals,
            progress_legend=PROGRESS_LEGEND,
            map_config=map_config(dataUrl=reverse("proposals:commitment-geojson")),
        )
        return context


def local_actors(commitment, measures):
    """Attach to each measure the published organisations of the commitment's EPCI sharing a sector or a theme.

    One query for the candidates (with their sectors and themes prefetched: 3 in all), matched in Python.
    """
    epci = commitment.territory_epci
    sector_ids = {s.pk for m in measures for s in m.proposal.sectors.all()}
    theme_ids = {t.pk for m in measures for t in m.proposal.themes.all()}
    if epci is None or not (sector_ids or theme_ids):
        for measure in measures:
            measure.actors = []
        return
    matching = Q(pk__in=Organisation.sectors.through.objects.filter(sector__in=sector_ids).values("organisation")) | Q(
        pk__in=Organisation.themes.through.objects.filter(theme__in=theme_ids).values("organisation")
    )
    candidates = (
        Organisation.objects.published()
        .in_epci(epci)
        .filter(matching)
        .select_related("commune")
        .prefetch_related("sectors", "themes")
        .order_by("name")
    )
    candidates = list(candidates)
    for measure in measures:
        wanted_sectors = {s.pk for s in measure.proposal.sectors.all()}
        wanted_themes = {t.pk for t in measure.proposal.themes.all()}
        measure.actors = [
            o
            for o in candidates
            if wanted_sectors & {s.pk for s in o.sectors.all()} or wanted_themes & {t.pk for t in o.themes.all()}
        ][:LOCAL_ACTORS_SHOWN]


class CommitmentDetailView(DetailView):
    """/municipales-2026/engagements/<pk>/: who, the measures with status, timeline and evidence, local actors."""

    template_name = "proposals/commitment_detail.html"
    context_object_name = "commitment"

    def get_queryset(self):
        proposals = Proposal.objects.select_related("axis").prefetch_related("sectors", "themes")
        return (
            Commitment.objects.public()
            .select_related("campaign", "commune", "epci", "commune__epci")
            .prefetch_related(
                Prefetch("proposals", queryset=proposals.order_by("axis__order", "order")),
                Prefetch("updates", queryset=CommitmentUpdate.objects.published().order_by("-date", "-pk")),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        measures = self.object.measure_list
        local_actors(self.object, measures)
        context.update(
            campaign=self.object.campaign,
            measures=measures,
            general_updates=[u for u in self.object.updates.all() if u.proposal_id is None],
            progress=self.object.progress,
        )
        return context


@require_GET
def measure_detail(request, slug):
    """/municipales-2026/mesures/<slug>/: how many teams committed to a measure, where they stand (chart + table)."""
    campaign = get_current_campaign()
    proposal = get_object_or_404(Proposal.objects.select_related("axis__campaign"), slug=slug, axis__campaign=campaign)
    commitments = list(
        Commitment.objects.filter(campaign=campaign, proposals=proposal)
        .public()
        .select_related("commune", "epci")
        .prefetch_related(
            Prefetch("proposals", queryset=Proposal.objects.filter(pk=proposal.pk)),
            Prefetch("updates", queryset=CommitmentUpdate.objects.published().order_by("-date", "-pk")),
        )
        .order_by("epci__name", "commune__name", "pk")
    )
    counter = measure_status_counts(commitments, proposal)
    for commitment in commitments:
        commitment.measure = commitment.measure_list[0]
    context = {
        "campaign": campaign,
        "proposal": proposal,
        "commitments": commitments,
        "rows": status_rows(counter),
        "chart_height": chart_height(),
        "total": len(commitments),
    }
    return render(request, "proposals/measure_detail.html", context)


@require_GET
def commitment_geojson(request):
    """Communes (or EPCI, when no commune is given) with validated commitments, as GeoJSON points.

    Each signatory carries its progress class so the map colours teams by progress. Cached and
    revalidated on the "proposals" data version. Not open data (people's names), so no cross-origin reading.
    """
    return cached_data_response(
        request,
        kind="commitments",
        build=build_commitment_collection,
        content_type="application/geo+json",
        family="proposals",
        cors=False,
        max_age=300,
    )


def build_commitment_collection():
    """The FeatureCollection as JSON bytes: commitments with territory, measures and published updates (3 queries)."""
    campaign = get_current_campaign()
    commitments = (
        Commitment.objects.filter(campaign=campaign)
        .public()
        .select_related("commune", "epci")
        .prefetch_related(
            Prefetch("proposals", queryset=Proposal.objects.only("pk")),
            Prefetch(
                "updates",
                queryset=CommitmentUpdate.objects.published().only(
                    "pk", "commitment", "proposal", "date", "status", "review"
                ),
            ),
        )
        .order_by("pk")
    )
    places = {}
    for commitment in commitments:
        if commitment.commune_id:
            key = ("commune", commitment.commune.insee_code)
            name, lat, lon = commitment.commune.name, commitment.commune.latitude, commitment.commune.longitude
        else:
            key = ("epci", commitment.epci.siren)
            name, lat, lon = commitment.epci.name, commitment.epci.centroid_latitude, commitment.epci.centroid_longitude
        if lat is None or lon is None:
            continue
        place = places.setdefault(
            key,
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
                "properties": {"kind": key[0], "code": key[1], "name": name, "count": 0, "signatories": []},
            },
        )
        progress = commitment.progress
        place["properties"]["count"] += 1
        place["properties"]["signatories"].append(
            {
                "name": commitment.full_name,
                "role": commitment.role,
                "url": commitment.get_absolute_url(),
                "progress": progress,
                "progressClass": progress_class(progress),
            }
        )
    for place in places.values():
        # The marker takes the least advanced team's colour: a place is "done" only when all its teams are.
        classes = [s["progressClass"] for s in place["properties"]["signatories"]]
        order = [code for code, _ in PROGRESS_LEGEND]
        place["properties"]["progressClass"] = min(classes, key=order.index)
    document = {"type": "FeatureCollection", "features": list(places.values())}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
