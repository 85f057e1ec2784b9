"""The demo campaign, written from the network's brochure, seeds idempotently and never fails on a missing example."""

import pytest
from django.urls import reverse

from proposals import demo
from proposals.models import Axis, Campaign, Commitment, Proposal
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


def test_demo_dates_put_the_campaign_in_its_term_and_examples_are_flagged(visitor, places):
    demo.seed(lambda line: None)
    campaign = Campaign.objects.get(slug="municipales-2026")
    assert (campaign.first_round_on.isoformat(), campaign.second_round_on.isoformat()) == ("2026-03-15", "2026-03-22")
    assert campaign.axes.get(slug="initiatives-solidaires").title.startswith(
        "Stimuler les initiatives solidaires dans les territoires"
    )
    demo.seed_examples(lambda line: None)
    demo.seed_examples(lambda line: None)
    examples = Commitment.objects.filter(is_example=True)
    assert examples.count() == 2 and all(c.full_name.startswith("Liste exemple") for c in examples)
    page = visitor.get(examples.get(commune__insee_code="59606").get_absolute_url()).content.decode()
    assert "Exemple de démonstration" in page
    demo.remove_examples(lambda line: None)
    assert not Commitment.objects.exists()
