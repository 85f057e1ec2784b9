"""Fixtures of the proposals tests: a small campaign, two territories and their examples."""

import pytest

from territories.models import Initiative
from tests.factories import (
    AxisFactory,
    CampaignFactory,
    CommuneFactory,
    DepartmentFactory,
    EpciFactory,
    OrganisationFactory,
    ProposalFactory,
)


@pytest.fixture
def places(db):
    """Two EPCI in the Nord and one in the Pas-de-Calais, with a commune each."""
    nord = DepartmentFactory(code="59", name="Nord", slug="nord")
    pas_de_calais = DepartmentFactory(code="62", name="Pas-de-Calais", slug="pas-de-calais")
    valenciennes = EpciFactory(siren="245901160", name="CA Valenciennes Métropole", department=nord)
    lille = EpciFactory(siren="200093201", name="Métropole Européenne de Lille", department=nord)
    lens = EpciFactory(siren="246200364", name="CA de Lens-Liévin", department=pas_de_calais)
    return {
        "valenciennes": CommuneFactory(
            insee_code="59606", name="Valenciennes", postal_codes=["59300"], department=nord, epci=valenciennes
        ),
        "marly": CommuneFactory(
            insee_code="59383", name="Marly", postal_codes=["59770"], department=nord, epci=valenciennes
        ),
        "lille": CommuneFactory(
            insee_code="59350",
            name="Lille",
            postal_codes=["59000", "59160", "59260", "59777", "59800"],
            department=nord,
            epci=lille,
        ),
        "grenay": CommuneFactory(
            insee_code="62386", name="Grenay", postal_codes=["62160"], department=pas_de_calais, epci=lens
        ),
        "valenciennes_epci": valenciennes,
        "lille_epci": lille,
        "lens_epci": lens,
    }


@pytest.fixture
def campaign(places):
    """A published campaign: four axes (created out of order), two measures each, examples in three EPCI."""
    campaign = CampaignFactory(slug="municipales-2026", title="Municipales 2026 : nos propositions")
    titles = [
        (4, "stimuler", "Stimuler les initiatives solidaires"),
        (1, "transition", "Soutenir les initiatives citoyennes"),
        (3, "citoyennete", "Promouvoir une citoyenneté économique"),
        (2, "proximite", "Favoriser une économie de proximité"),
    ]
    for order, slug, title in titles:
        axis = AxisFactory(campaign=campaign, order=order, slug=slug, title=title)
        ProposalFactory(axis=axis, order=2, slug=f"{slug}-b", title=f"Deuxième mesure de l'axe {order}")
        ProposalFactory(axis=axis, order=1, slug=f"{slug}-a", title=f"Première mesure de l'axe {order}")
    return campaign


@pytest.fixture
def examples(campaign, places):
    """The first measure of the "proximité" axis, illustrated in Lille, Marly and Grenay (alphabetical order)."""
    proposal = campaign.axes.get(slug="proximite").proposals.get(slug="proximite-a")
    atelier = OrganisationFactory(name="Atelier lillois", slug="atelier-lillois", commune=places["lille"])
    bouquinerie = OrganisationFactory(name="Bouquinerie de Marly", slug="bouquinerie-marly", commune=places["marly"])
    hidden = OrganisationFactory(
        name="Structure non publiée", slug="non-publiee", commune=places["marly"], is_published=False
    )
    terre = Initiative.objects.create(
        title="Terre Tous", slug="terre-tous", summary="Une oasis au cœur de la cité minière."
    )
    terre.communes.add(places["grenay"])
    proposal.example_organisations.set([atelier, bouquinerie, hidden])
    proposal.example_initiatives.set([terre])
    return {"proposal": proposal, "atelier": atelier, "bouquinerie": bouquinerie, "terre": terre, "hidden": hidden}
