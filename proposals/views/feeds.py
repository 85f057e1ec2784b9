"""Atom feeds of the published follow-up updates: all, per EPCI (`?epci=<SIREN>`) or per measure (`?mesure=<slug>`).

Built on `django.contrib.syndication`. An unknown EPCI or measure answers 404 (nothing to follow there).
The EPCI and measure rules are the alerts' (`UpdateQuerySet.for_epci`, `for_measure`): a mail and the feed
of the same subject list the same entries.
"""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed

from core.data import versioned
from proposals.models import CommitmentUpdate, Proposal
from territories.models import Epci

ITEMS_IN_FEED = 50


@method_decorator(versioned("proposals"), name="__call__")
class UpdateFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request):
        epci_code = request.GET.get("epci", "").strip()
        measure_slug = request.GET.get("mesure", "").strip()
        if epci_code:
            epci = Epci.objects.defer("boundary").filter(siren=epci_code[:20]).first()
            if epci is None:
                raise Http404("Cette intercommunalité est inconnue.")
            return ("epci", epci)
        if measure_slug:
            proposal = Proposal.objects.filter(slug=measure_slug[:100]).first()
            if proposal is None:
                raise Http404("Cette mesure est inconnue.")
            return ("mesure", proposal)
        return ("all", None)

    def title(self, obj):
        kind, target = obj
        if kind == "epci":
            return f"Suivi des engagements municipaux · {target.name}"
        if kind == "mesure":
            return f"Suivi des engagements municipaux · {target.title}"
        return "Suivi des engagements municipaux · Apes Hauts-de-France"

    def link(self, obj):
        kind, target = obj
        base = reverse("proposals:commitment-list")
        if kind == "epci":
            return f"{base}?epci={target.siren}"
        if kind == "mesure":
            return reverse("proposals:measure-detail", kwargs={"slug": target.slug})
        return base

    def subtitle(self, obj):
        return "Les mises à jour publiées sur les engagements des équipes élues pour le mandat 2026-2032."

    def items(self, obj):
        kind, target = obj
        updates = CommitmentUpdate.objects.public()
        if kind == "epci":
            updates = updates.for_epci(target)
        elif kind == "mesure":
            updates = updates.for_measure(target)
        return updates[:ITEMS_IN_FEED]

    def item_title(self, item):
        commitment = item.commitment
        prefix = "[Exemple de démonstration] " if commitment.is_example else ""
        about = item.proposal.title if item.proposal_id else "l'ensemble de l'engagement"
        return f"{prefix}{commitment.territory_name} · {about} : {item.get_status_display()}"

    def item_description(self, item):
        parts = []
        if item.commitment.is_example:
            parts.append("Exemple de démonstration : cet engagement est fictif.")
        parts.append(f"{item.commitment.full_name}, {item.commitment.role}.")
        if item.note:
            parts.append(item.note)
        if not item.has_evidence and item.status == "realise":
            parts.append("Déclaré, non documenté.")
        return " ".join(parts)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.created_at
