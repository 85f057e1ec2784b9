"""The staff dashboard on the admin index: members, organisations, downloads, moderation, commitments.

Each chart is a `Chart` (a title and labelled values) drawn as server-side SVG by
templates/admin/includes/bar_chart.html, with its data table beside it for screen readers; no script
and no external request. `build_dashboard()` runs a fixed number of queries (pinned in
tests/site/test_dashboard.py), whatever the amount of data.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from directory.models import CorrectionRequest, MembershipApplication, Organisation, ProposedChange, ReviewStatus
from proposals.models import Commitment
from publications.models import DownloadCount

#: Months shown by the per-month charts, the current one included.
MONTHS = 12
#: Longest lists (EPCI, carnets) keep their first rows only.
TOP = 15

BAR_HEIGHT = 22
LABEL_WIDTH = 230
BAR_AREA = 300


@dataclass
class Chart:
    """A horizontal bar chart: `rows` are (label, value); `columns` name the table's two headers."""

    slug: str
    title: str
    rows: list
    columns: tuple = ("", "nombre")
    bars: list = field(init=False)
    height: int = field(init=False)

    def __post_init__(self):
        top = max((value for _, value in self.rows), default=0) or 1
        self.bars = [
            {"label": label, "value": value, "y": i * BAR_HEIGHT, "width": round(BAR_AREA * value / top)}
            for i, (label, value) in enumerate(self.rows)
        ]
        self.height = max(len(self.rows), 1) * BAR_HEIGHT
        self.label_width, self.value_x = LABEL_WIDTH, LABEL_WIDTH + BAR_AREA


def _months(today):
    """The first day of each of the last MONTHS months, oldest first."""
    months, year, month = [], today.year, today.month
    for _ in range(MONTHS):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _month_label(month):
    return date_format(month, "M Y")


def members_over_time():
    """Members of the network at the end of each year they joined in (cumulative)."""
    per_year = (
        Organisation.objects.filter(is_member=True, member_since__isnull=False)
        .annotate(year=ExtractYear("member_since"))
        .values("year")
        .annotate(joined=Count("id"))
        .order_by("year")
    )
    rows, total = [], 0
    for row in per_year:
        total += row["joined"]
        rows.append((str(row["year"]), total))
    return Chart("adherents-par-annee", "Adhérents au fil des années (cumul)", rows, ("année", "adhérents"))


def members_by(path, slug, title, column, limit=None):
    rows = (
        Organisation.objects.filter(is_member=True)
        .values(path)
        .annotate(members=Count("id"))
        .order_by("-members", path)
    )
    rows = [(row[path] or "non renseigné", row["members"]) for row in rows[:limit]]
    return Chart(slug, title, rows, (column, "adhérents"))


def organisations_per_month(today):
    """Organisation records added and changed per month, from their change history."""
    months = _months(today)
    history = (
        Organisation.history.filter(history_date__date__gte=months[0], history_type__in=["+", "~"])
        .annotate(month=TruncMonth("history_date"))
        .values("month", "history_type")
        .annotate(changes=Count("history_id"))
    )
    counts = {(timezone.localtime(row["month"]).date(), row["history_type"]): row["changes"] for row in history}
    added = Chart(
        "fiches-ajoutees",
        "Fiches ajoutées par mois",
        [(_month_label(m), counts.get((m, "+"), 0)) for m in months],
        ("mois", "fiches ajoutées"),
    )
    changed = Chart(
        "fiches-modifiees",
        "Modifications de fiches par mois",
        [(_month_label(m), counts.get((m, "~"), 0)) for m in months],
        ("mois", "modifications"),
    )
    return added, changed


def downloads_per_carnet(today):
    """Downloads of each carnet per month over the last MONTHS months: a grid, and a chart of the totals."""
    months = _months(today)
    rows = (
        DownloadCount.objects.filter(month__gte=months[0])
        .values("publication__title", "month")
        .annotate(downloads=Sum("count"))
        .order_by("publication__title")
    )
    grid = {}
    for row in rows:
        grid.setdefault(row["publication__title"], {})[row["month"]] = row["downloads"]
    totals = sorted(((title, sum(per.values())) for title, per in grid.items()), key=lambda t: (-t[1], t[0]))[:TOP]
    table = {
        "months": [_month_label(m) for m in months],
        "rows": [(title, [grid[title].get(m, 0) for m in months], total) for title, total in totals],
    }
    chart = Chart(
        "telechargements", f"Téléchargements par carnet ({MONTHS} derniers mois)", totals, ("carnet", "téléchargements")
    )
    return chart, table


def waiting_for_moderation(commitment_counts):
    """What waits for a staff decision, each with the link to its filtered list."""
    items = [
        (MembershipApplication.objects.pending(), "Demandes d'adhésion", "directory_membershipapplication"),
        (CorrectionRequest.objects.pending(), "Signalements de correction", "directory_correctionrequest"),
        (ProposedChange.objects.pending(), "Modifications proposées", "directory_proposedchange"),
    ]
    waiting = [
        {
            "label": label,
            "count": queryset.count(),
            "url": f"{reverse(f'admin:{name}_changelist')}?status__exact={ReviewStatus.NEW}",
        }
        for queryset, label, name in items
    ]
    confirmed = Commitment.Status.CONFIRMED
    waiting.append(
        {
            "label": "Engagements à valider",
            "count": commitment_counts.get(confirmed, 0),
            "url": f"{reverse('admin:proposals_commitment_changelist')}?status__exact={confirmed}",
        }
    )
    return waiting


def commitment_counts():
    """{status: count} of every commitment, in one query (the queue and the chart both read it)."""
    return dict(Commitment.objects.values_list("status").annotate(n=Count("id")).order_by())


def commitments_by_status(counts):
    rows = [(label, counts.get(value, 0)) for value, label in Commitment.Status.choices]
    return Chart("engagements", "Engagements par statut", rows, ("statut", "engagements"))


def build_dashboard(today=None):
    """Everything the admin index shows, in a fixed number of queries."""
    today = today or timezone.localdate()
    added, changed = organisations_per_month(today)
    downloads, downloads_table = downloads_per_carnet(today)
    commitments = commitment_counts()
    return {
        "waiting": waiting_for_moderation(commitments),
        "charts": [
            members_over_time(),
            members_by(
                "commune__department__name", "adherents-departement", "Adhérents par département", "département"
            ),
            members_by(
                "commune__epci__name", "adherents-epci", f"Adhérents par EPCI ({TOP} premiers)", "EPCI", limit=TOP
            ),
            added,
            changed,
            downloads,
            commitments_by_status(commitments),
        ],
        "downloads_table": downloads_table,
    }
