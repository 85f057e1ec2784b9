"""Public pages of the Municipales 2026 campaign: proposals, commitment form and confirmation, commitments.

The campaign page and the commitments page run a fixed number of queries whatever the number of
axes, proposals, examples or commitments (pinned in tests/proposals).
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import ListView

from core.antispam import rate_limited
from core.data import cached_data_response
from core.maps import map_config
from core.notify import notify, notify_staff
from directory.models import Organisation
from proposals.forms import CommitmentForm, TerritoryForm
from proposals.models import Campaign, Commitment, Proposal
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
    }
    return render(request, "proposals/campaign.html", context, status=400 if territory_error else 200)


# Commitment form and confirmation -------------------------------------------------------------


def send_confirmation_email(request, commitment):
    link = request.build_absolute_uri(
        reverse("proposals:commitment-confirm", kwargs={"token": commitment.confirmation_token()})
    )
    days = max(1, settings.COMMITMENT_CONFIRMATION_MAX_AGE // 86400)
    context = {"commitment": commitment, "link": link, "days": days}
    notify(
        commitment.email,
        render_to_string("proposals/email/confirmation_subject.txt", context),
        "proposals/email/confirmation_body.txt",
        context,
    )


def tell_staff_about(request, commitment):
    admin_link = request.build_absolute_uri(commitment.get_admin_url())
    context = {"commitment": commitment, "admin_link": admin_link, "proposals": commitment.proposals.all()}
    notify_staff(
        render_to_string("proposals/email/staff_subject.txt", context),
        "proposals/email/staff_body.txt",
        context,
    )


@require_http_methods(["GET", "POST"])
@rate_limited("proposals-commitment", settings.COMMITMENT_RATE)
def commitment_create(request):
    """Sign commitments; nothing is public until the email is confirmed and staff validate."""
    campaign = get_current_campaign()
    if not campaign.commitments_open:
        status = 403 if request.method == "POST" else 200
        return render(request, "proposals/commitment_closed.html", {"campaign": campaign}, status=status)
    if request.method == "POST":
        form = CommitmentForm(request.POST, campaign=campaign)
        if form.is_valid():
            replaced = form.instance.pk is not None
            with transaction.atomic():
                commitment = form.save()
            send_confirmation_email(request, commitment)
            if replaced:
                messages.info(
                    request,
                    "Vous aviez déjà rempli ce formulaire sans le confirmer : vos nouveaux choix remplacent "
                    "les précédents et un nouveau lien de confirmation vient de vous être envoyé.",
                )
            return redirect("proposals:commitment-sent")
    else:
        # "S'engager sur cette proposition" links preselect it: ?proposition=<slug> (repeatable).
        wanted = Proposal.objects.filter(axis__campaign=campaign, slug__in=request.GET.getlist("proposition")[:50])
        initial = {"proposals": [p.pk for p in wanted]} if "proposition" in request.GET else {}
        form = CommitmentForm(campaign=campaign, initial=initial)
    return render(request, "proposals/commitment_form.html", {"campaign": campaign, "form": form})


@require_GET
def commitment_sent(request):
    days = max(1, settings.COMMITMENT_CONFIRMATION_MAX_AGE // 86400)
    return render(request, "proposals/commitment_sent.html", {"days": days})


@require_http_methods(["GET", "POST"])
@rate_limited("proposals-confirm", "30/h")
def commitment_confirm(request, token):
    """Check the signed link; GET shows what will be confirmed, POST confirms (link scanners only GET)."""
    try:
        commitment = Commitment.from_confirmation_token(token)
    except signing.SignatureExpired:
        days = max(1, settings.COMMITMENT_CONFIRMATION_MAX_AGE // 86400)
        return render(request, "proposals/confirm_invalid.html", {"expired": True, "days": days}, status=400)
    except signing.BadSignature:
        return render(request, "proposals/confirm_invalid.html", {"expired": False}, status=400)

    if commitment.status != Commitment.Status.PENDING:
        return render(request, "proposals/confirm_done.html", {"commitment": commitment, "already": True})
    if request.method == "POST":
        if commitment.confirm():
            tell_staff_about(request, commitment)
        return render(request, "proposals/confirm_done.html", {"commitment": commitment, "already": False})
    proposals = commitment.proposals.select_related("axis").order_by("axis__order", "order")
    return render(request, "proposals/confirm.html", {"commitment": commitment, "proposals": proposals})


# Public commitments ------------------------------------------------------------------------


class CommitmentListView(ListView):
    """Who committed to what, with counts per proposal and a map (data from `commitment_geojson`)."""

    template_name = "proposals/commitment_list.html"
    context_object_name = "commitments"
    paginate_by = 50

    def get_queryset(self):
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
        context.update(
            campaign=self.campaign,
            axes=axes,
            totals=totals,
            map_config=map_config(dataUrl=reverse("proposals:commitment-geojson")),
        )
        return context


@require_GET
def commitment_geojson(request):
    """Communes (or EPCI, when no commune is given) with validated commitments, as GeoJSON points.

    Cached and revalidated on the "proposals" data version (commitments, campaigns; communes and EPCI).
    Not open data: people's names, so no cross-origin reading.
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
    """The FeatureCollection as JSON bytes. One query: commitments with their commune and EPCI; grouping in Python."""
    campaign = get_current_campaign()
    commitments = (
        Commitment.objects.filter(campaign=campaign)
        .public()
        .select_related("commune", "epci")
        .only(
            "pk",
            "full_name",
            "role",
            "commune__name",
            "commune__insee_code",
            "commune__latitude",
            "commune__longitude",
            "epci__name",
            "epci__siren",
            "epci__centroid_latitude",
            "epci__centroid_longitude",
        )
        .order_by("pk")
    )
    places = {}
    list_url = reverse("proposals:commitment-list")
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
        place["properties"]["count"] += 1
        place["properties"]["signatories"].append(
            {"name": commitment.full_name, "role": commitment.role, "url": f"{list_url}#engagement-{commitment.pk}"}
        )
    document = {"type": "FeatureCollection", "features": list(places.values())}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
