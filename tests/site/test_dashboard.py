"""The staff dashboard on the admin index: what staff see at a glance, drawn as SVG with its data tables."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apes_portal.dashboard import build_dashboard
from publications.models import DownloadCount
from tests.factories import (
    CommitmentFactory,
    CommuneFactory,
    DepartmentFactory,
    MembershipApplicationFactory,
    OrganisationFactory,
    ProposedChangeFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db


def this_month_and_the_one_before():
    """The dashboard counts the last twelve months from the day the admin page is read: data must follow the clock."""
    this_month = timezone.localdate().replace(day=1)
    return (this_month - datetime.timedelta(days=1)).replace(day=1), this_month


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def network():
    somme = CommuneFactory(department=DepartmentFactory(code="80", name="Somme", slug="somme"))
    nord = CommuneFactory()
    for year in (2019, 2019, 2024):
        OrganisationFactory(commune=nord, is_member=True, member_since=datetime.date(year, 5, 1))
    OrganisationFactory(commune=somme, is_member=True, member_since=datetime.date(2024, 1, 1))
    OrganisationFactory(commune=somme, is_member=False)
    carnet = PublicationFactory(title="Carnet des tiers-lieux")
    last_month, this_month = this_month_and_the_one_before()
    DownloadCount.objects.create(publication=carnet, month=last_month, count=7)
    DownloadCount.objects.create(publication=carnet, month=this_month, count=3)
    MembershipApplicationFactory.create_batch(2)
    ProposedChangeFactory()
    CommitmentFactory(status="confirmed")
    CommitmentFactory.create_batch(2)


def chart(dashboard, slug):
    return next(c for c in dashboard["charts"] if c.slug == slug)


def test_the_figures_staff_asked_for(network):
    dashboard = build_dashboard()
    assert chart(dashboard, "adherents-par-annee").rows == [("2019", 2), ("2024", 4)]
    assert chart(dashboard, "adherents-departement").rows == [("Nord", 3), ("Somme", 1)]
    assert chart(dashboard, "telechargements").rows == [("Carnet des tiers-lieux", 10)]
    assert dict(chart(dashboard, "engagements").rows)["Validé et public"] == 2
    waiting = {item["label"]: item["count"] for item in dashboard["waiting"]}
    assert waiting == {
        "Demandes d'adhésion": 2,
        "Signalements de correction": 0,
        "Modifications proposées": 1,
        "Engagements à valider": 1,
    }


def test_the_dashboard_runs_a_fixed_number_of_queries(network, django_assert_num_queries):
    """Nine queries (one per figure, four moderation counts), however many members, carnets or months."""
    with django_assert_num_queries(9):
        build_dashboard()
    for _ in range(3):
        OrganisationFactory(is_member=True, member_since=datetime.date(2021, 1, 1))
    with django_assert_num_queries(9):
        build_dashboard()


def test_the_admin_index_shows_charts_with_their_tables_and_links(administrator_client, network):
    page = administrator_client.get(reverse("admin:index")).text
    assert "Tableau de bord" in page
    assert page.count('<svg class="bar-chart"') == page.count('<table class="dashboard-data">') >= 5
    assert f"{reverse('admin:directory_membershipapplication_changelist')}?status__exact=new" in page
    assert '<th scope="row">Carnet des tiers-lieux</th>' in page
    assert "https://" not in page.split('id="tableau-de-bord"')[1].split("</section>")[0]


def test_editors_see_the_dashboard_too(editor_client, network):
    assert "En attente de modération" in editor_client.get(reverse("admin:index")).text
