"""The demo campaign, written from the network's brochure, seeds idempotently and never fails on a missing example."""

import pytest
from django.urls import reverse

from proposals import demo
from proposals.models import Axis, Campaign, Proposal
from tests.factories import OrganisationFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_seed_creates_four_axes_and_their_measures_in_order(visitor):
    lines = []
    demo.seed(lines.append)
    campaign = Campaign.objects.get(slug="municipales-2026")
    assert [axis.slug for axis in campaign.axes.order_by("order")] == [
        "transition-ecologique-et-solidaire",
        "economie-de-proximite",
        "citoyennete-economique",
        "initiatives-solidaires",
    ]
    assert Proposal.objects.count() == 13
    assert [p.slug for p in Proposal.objects.filter(axis__slug="economie-de-proximite")] == [
        "achats-publics-et-emploi-local",
        "monnaies-locales-citoyennes",
        "restauration-collective-bio-et-locale",
        "bail-commercial-d-utilite-sociale",
    ]
    assert "SRDEII" in campaign.context
    assert any("not linked" in line and "organisation activ-cites" in line for line in lines)
    html = visitor.get(reverse("proposals:campaign")).content.decode()
    assert "Soutenir les monnaies locales citoyennes" in html


def test_seed_is_idempotent_and_links_examples_that_exist(visitor):
    activ_cites = OrganisationFactory(name="Activ'Cités", slug="activ-cites")
    ThemeFactory(slug="commande-publique-responsable", name="Commande publique responsable")
    demo.seed(lambda line: None)
    demo.seed(lambda line: None)
    assert Campaign.objects.count() == 1
    assert Axis.objects.count() == 4
    assert Proposal.objects.count() == 13
    proposal = Proposal.objects.get(slug="achats-publics-et-emploi-local")
    assert list(proposal.example_organisations.all()) == [activ_cites]
    assert [t.slug for t in proposal.themes.all()] == ["commande-publique-responsable"]
    html = visitor.get(reverse("proposals:campaign")).content.decode()
    assert "Activ&#x27;Cités" in html
