"""Data versions: the sources they follow, and bulk writes that bump each source once."""

import pytest
from django.db import transaction

from core.data import FAMILIES, SOURCES, bump_data_version, bumps_collected, per_data_version
from directory.models import Organisation
from tests.data_versions import data_version_writes, seen_elsewhere
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_every_family_follows_known_sources():
    for family, sources in FAMILIES.items():
        assert set(sources) <= set(SOURCES), family
    assert set(FAMILIES) <= set(SOURCES)  # each app's own pages follow at least its source


def test_bumping_every_source_gives_every_family_a_new_version():
    before = {family: seen_elsewhere(family) for family in FAMILIES}
    bump_data_version(*SOURCES)
    assert all(seen_elsewhere(family) != token for family, token in before.items())


def test_a_name_that_is_no_source_is_refused():
    with pytest.raises(ValueError, match="annuaire"):
        bump_data_version("annuaire")


@pytest.mark.parametrize("count", [1, 8])
def test_rows_saved_in_a_block_write_the_version_once(count):
    organisations = OrganisationFactory.create_batch(count)
    before = seen_elsewhere()
    with data_version_writes() as writes, bumps_collected():
        for organisation in organisations:
            organisation.name += " (renommée)"
            organisation.save()
        assert seen_elsewhere() == before  # nothing written yet: still the version of the old rows
    assert len(writes) == 1
    assert seen_elsewhere() != before


def test_a_nested_block_leaves_the_write_to_the_outer_one():
    organisation = OrganisationFactory()
    before = seen_elsewhere("territories")
    with data_version_writes() as writes, bumps_collected():
        with bumps_collected():
            organisation.save()
            bump_data_version("territories")
        assert seen_elsewhere("territories") == before
        organisation.save()
    assert len(writes) == 2  # directory and territories, once each
    assert seen_elsewhere("territories") != before


def test_rows_kept_after_an_exception_still_get_their_bump():
    organisation = OrganisationFactory()
    before = seen_elsewhere()
    with pytest.raises(RuntimeError), bumps_collected():
        organisation.save()
        raise RuntimeError("interrompu")
    assert seen_elsewhere() != before


def test_a_rolled_back_block_changes_no_version():
    organisation = OrganisationFactory()
    before = seen_elsewhere()
    with pytest.raises(RuntimeError), transaction.atomic(), bumps_collected():
        Organisation.objects.filter(pk=organisation.pk).update(name="Jamais vue")
        organisation.save()
        raise RuntimeError("annulé")
    assert seen_elsewhere() == before
    assert Organisation.objects.get(pk=organisation.pk).name != "Jamais vue"


def test_a_value_built_per_data_version_is_built_again_after_a_change_only():
    builds = []

    @per_data_version("publications")
    def titles():
        builds.append(1)
        return list(Organisation.objects.values_list("name", flat=True))

    assert titles() == titles() == []
    assert len(builds) == 1  # kept while the version holds
    bump_data_version("directory")  # another family's source: still the same value
    titles()
    assert len(builds) == 1
    OrganisationFactory(name="Atelier vélo")
    bump_data_version("publications")  # what a saved publication does
    seen_elsewhere("publications")  # as a process whose copy of the versions has expired
    assert titles() == ["Atelier vélo"]
    assert len(builds) == 2
