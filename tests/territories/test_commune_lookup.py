"""The portal's one commune search, `Commune.objects.lookup()`: what people type finds their commune."""

import pytest

from territories.models import Commune
from tests.factories import CommuneFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes():
    nord = DepartmentFactory(code="59", name="Nord", slug="nord")
    pas_de_calais = DepartmentFactory(code="62", name="Pas-de-Calais", slug="pas-de-calais")
    return {
        "marly_59": CommuneFactory(insee_code="59383", name="Marly", postal_codes=["59770"], department=nord),
        "marly_62": CommuneFactory(
            insee_code="62555", name="Marly", slug="marly-62", postal_codes=["62100"], department=pas_de_calais
        ),
        "saint_amand": CommuneFactory(
            insee_code="59526", name="Saint-Amand-les-Eaux", postal_codes=["59230"], department=nord
        ),
    }


@pytest.mark.parametrize(
    "text, postal_code, expected",
    [
        ("saint amand les eaux", "", "saint_amand"),
        ("Marly (62)", "", "marly_62"),
        ("Marly (59770)", "", "marly_59"),
        ("Marly", "59770", "marly_59"),
        ("59526", "", "saint_amand"),
    ],
)
def test_one_commune_is_found(communes, text, postal_code, expected):
    assert Commune.objects.lookup(text, postal_code=postal_code).commune == communes[expected]


def test_homonyms_are_offered_not_guessed(communes):
    lookup = Commune.objects.lookup("marly")
    assert lookup.commune is None
    assert lookup.exact
    assert set(lookup.candidates) == {communes["marly_59"], communes["marly_62"]}


def test_a_name_start_with_a_single_match_is_taken_but_not_exact(communes):
    lookup = Commune.objects.lookup("saint-am")
    assert lookup.commune == communes["saint_amand"]
    assert not lookup.exact  # the import still refuses to guess (directory.communes.commune_from)


def test_a_known_name_with_another_postal_code_is_reported(communes):
    lookup = Commune.objects.lookup("Saint-Amand-les-Eaux", postal_code="59300")
    assert lookup.not_found
    assert lookup.postal_code_mismatch
