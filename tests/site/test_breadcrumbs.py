"""The breadcrumb trails of the campaign's detail pages start from the home page, as the campaign's lists do."""

import pytest
from django.urls import reverse

from tests.breadcrumbs import trail
from tests.factories import (
    AxisFactory,
    CampaignFactory,
    CommitmentFactory,
    CommuneFactory,
    EpciFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal():
    campaign = CampaignFactory(slug="municipales-2026", title="Municipales 2026 : nos propositions")
    axis = AxisFactory(campaign=campaign, slug="proximite", title="Une économie de proximité")
    return ProposalFactory(axis=axis, slug="tiers-lieux", title="Soutenir les tiers-lieux")


def test_commitment_page_trail_starts_at_home_then_the_campaign_and_its_commitments(visitor, proposal):
    commune = CommuneFactory(name="Marly", epci=EpciFactory(name="CA Valenciennes Métropole"))
    commitment = CommitmentFactory(campaign=proposal.axis.campaign, commune=commune)

    assert trail(visitor.get(commitment.get_absolute_url())) == [
        ("Accueil", reverse("home")),
        ("Municipales 2026 : nos propositions", reverse("proposals:campaign")),
        ("Les engagements", reverse("proposals:commitment-list")),
        (commitment.territory_name, None),
    ]


def test_measure_page_trail_starts_at_home_then_the_campaign_and_the_measure_s_axis_on_it(visitor, proposal):
    response = visitor.get(reverse("proposals:measure-detail", args=["tiers-lieux"]))

    assert trail(response) == [
        ("Accueil", reverse("home")),
        ("Municipales 2026 : nos propositions", reverse("proposals:campaign")),
        ("Une économie de proximité", reverse("proposals:campaign") + "#proximite"),  # the axis, not the measure
        ("Soutenir les tiers-lieux", None),
    ]
