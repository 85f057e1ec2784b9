"""Merging two records of the same body: one record remains, with every link, and the old address answers 301."""

import pytest
from django.urls import reverse

from directory import merge
from directory.models import Organisation, OrganisationMembership, ProposedChange
from tests.data_versions import data_version_writes, seen_elsewhere
from tests.factories import (
    CommuneFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    ProposedChangeFactory,
    PublicationFactory,
    SectorFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:directory_organisation_changelist"


@pytest.fixture
def lille(db):
    return CommuneFactory(insee_code="59350", name="Lille", slug="lille", postal_codes=["59000", "59800"])


@pytest.fixture
def twins(lille):
    kept = OrganisationFactory(name="Activ'Cités", slug="activ-cites", commune=lille, postal_code="59000")
    gone = OrganisationFactory(
        name="Activ Cités", slug="activ-cites-2", commune=lille, postal_code="59800", phone="03 20 11 22 33"
    )
    ptce = OrganisationFactory(name="PTCE Lille", slug="ptce-lille", kind=Organisation.Kind.PTCE, commune=lille)
    shared_sector, other_sector = SectorFactory(slug="insertion"), SectorFactory(slug="alimentation")
    kept.sectors.add(shared_sector)
    gone.sectors.add(shared_sector, other_sector)
    gone.themes.add(ThemeFactory())
    gone.ptces.add(ptce)
    both = UserFactory(username="double")
    OrganisationMembershipFactory(user=both, organisation=kept)
    OrganisationMembershipFactory(user=both, organisation=gone)
    OrganisationMembershipFactory(user=UserFactory(username="seule"), organisation=gone)
    ProposedChangeFactory(organisation=gone)
    gone.name = "Activ Cités (Lille)"
    gone.save()  # a second version in its history
    return kept, gone


def post_action(client, organisations, **extra):
    data = {"action": "merge_two", "_selected_action": [o.pk for o in organisations], **extra}
    return client.post(reverse(CHANGELIST), data, follow=True)


def test_staff_merge_two_records_choosing_values_field_by_field(administrator_client, twins):
    kept, gone = twins
    page = post_action(administrator_client, twins)
    assert page.status_code == 200
    assert "Fiche conservée" in page.text and "Téléphone" in page.text

    response = post_action(
        administrator_client,
        twins,
        apply_merge="1",
        survivor=str(kept.pk),
        keep_name=str(kept.pk),
        keep_postal_code=str(gone.pk),
        keep_phone=str(gone.pk),
    )
    assert "Fiches fusionnées" in response.text
    assert list(Organisation.objects.filter(commune=kept.commune).exclude(kind="ptce")) == [kept]
    kept.refresh_from_db()
    assert (kept.name, kept.postal_code, kept.phone) == ("Activ'Cités", "59800", "03 20 11 22 33")
    assert set(kept.sectors.values_list("slug", flat=True)) == {"insertion", "alimentation"}
    assert kept.themes.count() == 1
    assert list(kept.ptces.values_list("slug", flat=True)) == ["ptce-lille"]
    assert set(OrganisationMembership.objects.filter(organisation=kept).values_list("user__username", flat=True)) == {
        "double",
        "seule",
    }
    assert ProposedChange.objects.get().organisation == kept
    assert kept.history.filter(name="Activ Cités (Lille)").exists()  # the absorbed record's history came along
    assert kept.history.first().history_change_reason.startswith("Fusion avec")

    redirect = administrator_client.get(reverse("directory:organisation-detail", args=["activ-cites-2"]))
    assert redirect.status_code == 301
    assert redirect["Location"] == reverse("directory:organisation-detail", args=["activ-cites"])


def test_merge_needs_two_different_records(administrator_client, twins):
    kept, _ = twins
    response = post_action(administrator_client, [kept])
    assert "Sélectionnez exactement deux fiches différentes" in response.text
    with pytest.raises(merge.MergeRefused):
        merge.merge(kept, Organisation.objects.get(pk=kept.pk))
    assert Organisation.objects.filter(pk=kept.pk).exists()


def test_a_merge_whose_values_break_the_rules_changes_nothing(administrator_client, twins, lille):
    kept, gone = twins
    lens = CommuneFactory(insee_code="62498", name="Lens", slug="lens", postal_codes=["62300"])
    Organisation.objects.filter(pk=gone.pk).update(commune=lens, postal_code="62300")
    response = post_action(
        administrator_client,
        twins,
        apply_merge="1",
        survivor=str(kept.pk),
        keep_postal_code=str(gone.pk),  # 62300 with the survivor's commune, Lille: refused
        keep_commune=str(kept.pk),
        keep_name=str(kept.pk),
        keep_phone=str(gone.pk),
    )
    assert "Fusion impossible, rien n&#x27;a changé" in response.text
    assert "ne dessert pas Lille" in response.text
    assert Organisation.objects.filter(pk__in=[kept.pk, gone.pk]).count() == 2
    assert gone.sectors.count() == 2 and OrganisationMembership.objects.filter(organisation=gone).count() == 2


def test_a_merge_writes_the_data_version_once_and_shows_everywhere(twins):
    kept, gone = twins
    before = seen_elsewhere()
    with data_version_writes() as writes:
        merge.merge(kept, gone, ["phone"])
    assert len(writes) == 1  # the deletion, its cascade and the survivor's save: one bump
    assert seen_elsewhere() != before


def test_a_merge_renews_the_pages_of_the_apps_that_cite_the_record(twins, settings, tmp_path):
    """A carnet citing the absorbed record now cites the survivor, and the carnets' pages show it."""
    settings.MEDIA_ROOT = tmp_path
    kept, gone = twins
    carnet = PublicationFactory()
    carnet.organisations.add(gone)
    before = seen_elsewhere("publications")
    with data_version_writes() as writes:
        merge.merge(kept, gone)
    assert list(carnet.organisations.all()) == [kept]
    assert seen_elsewhere("publications") != before
    assert len(writes) == 2  # the directory's bump and the publications' one
