"""The mid-term review: the state of every validated commitment and measure, per EPCI and for the region.

One selection (`build_review`), three renderings: a CSV for the region, a CSV per EPCI, and a printable
A4 HTML page with its stylesheet (one EPCI per page; the EPCI without commitments grouped in one final
table, so no near-empty page). Used by `manage.py export_midterm_review` and the commitments admin action
(a ZIP of the same files).
"""

import csv
import io
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.staticfiles import finders
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from directory.views.data import CSV_DELIMITER, spreadsheet_cell
from proposals.models import Commitment, CommitmentUpdate, Proposal
from territories.models import Epci

COLUMNS = [
    "epci_siren",
    "epci",
    "commune",
    "equipe",
    "type",
    "exemple",
    "axe",
    "mesure",
    "etat",
    "documente",
    "derniere_etape",
    "preuves",
    "page",
]
STYLESHEET = "css/midterm-review.css"
STYLESHEET_NAME = "bilan-mi-mandat.css"


@dataclass
class EpciReview:
    epci: object
    rows: list = field(default_factory=list)  # one per (commitment, measure)

    @property
    def teams(self):
        return len({row["commitment"].pk for row in self.rows})

    @property
    def counts(self):
        """[(label, count), …] of the measures' statuses, in the FollowUp order."""
        counter = Counter(row["measure"].status for row in self.rows)
        return [(status.label, counter.get(status.value, 0)) for status in Commitment.FollowUp]

    @property
    def undocumented(self):
        return sum(row["measure"].undocumented for row in self.rows)


@dataclass
class Review:
    campaign: object
    epcis: list  # [EpciReview, …] with commitments, by name
    without: list  # Epci without any commitment, by name
    generated_at: object

    @property
    def rows(self):
        return [row for item in self.epcis for row in item.rows]

    @property
    def region(self):
        return EpciReview(epci=None, rows=self.rows)


def build_review(campaign, commitments=None):
    """The review of `commitments` (default: every validated commitment of the campaign), in 4 queries."""
    commitments = commitments if commitments is not None else Commitment.objects.filter(campaign=campaign)
    proposals = Proposal.objects.select_related("axis").order_by("axis__order", "order")
    commitments = (
        commitments.public()
        .select_related("commune__epci", "epci")
        .defer("epci__boundary", "commune__epci__boundary")
        .prefetch_related(
            Prefetch("proposals", queryset=proposals),
            Prefetch("updates", queryset=CommitmentUpdate.objects.published()),
        )
        .order_by("commune__name", "full_name", "pk")
    )
    by_epci = {}
    for commitment in commitments:
        epci = commitment.territory_epci
        if epci is None:
            continue
        item = by_epci.setdefault(epci.pk, EpciReview(epci=epci))
        for measure in commitment.measure_list:
            item.rows.append({"commitment": commitment, "measure": measure})
    without = list(Epci.objects.exclude(pk__in=by_epci).only("pk", "siren", "name", "slug").order_by("name"))
    epcis = sorted(by_epci.values(), key=lambda item: item.epci.name)
    return Review(campaign=campaign, epcis=epcis, without=without, generated_at=timezone.now())


def _absolute_href(href, absolute):
    return href if href.startswith(("http://", "https://")) else absolute(href)


def csv_bytes(rows, absolute):
    """UTF-8 with BOM, `;`-separated; `absolute(path)` makes the public page's full URL."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER)
    writer.writerow(COLUMNS)
    for row in rows:
        commitment, measure = row["commitment"], row["measure"]
        epci = commitment.territory_epci
        latest = measure.latest
        values = [
            epci.siren,
            epci.name,
            commitment.commune.name if commitment.commune_id else "",
            commitment.full_name,
            commitment.get_kind_display(),
            "oui" if commitment.is_example else "non",
            measure.proposal.axis.title,
            measure.proposal.title,
            measure.get_status_display(),
            "non" if measure.undocumented else ("oui" if measure.evidence else ""),
            latest.date.isoformat() if latest else "",
            " ".join(_absolute_href(u.evidence_href, absolute) for u in measure.evidence),
            absolute(commitment.get_absolute_url()),
        ]
        writer.writerow([spreadsheet_cell(value) for value in values])
    return ("\ufeff" + buffer.getvalue()).encode()


def epci_filename(epci):
    return f"epci-{epci.siren}-{slugify(epci.name)}.csv"


def html_page(review):
    context = {"review": review, "stylesheet": STYLESHEET_NAME}
    return render_to_string("proposals/midterm_review.html", context).encode()


def review_files(review, absolute):
    """{filename: bytes}: region.csv, one CSV per EPCI with commitments, bilan-mi-mandat.html and its stylesheet.

    The stylesheet is a file beside the page, linked relatively (the CSP and the tests forbid inline styles,
    and the page must print from the unzipped folder, offline).
    """
    files = {"region.csv": csv_bytes(review.rows, absolute)}
    for item in review.epcis:
        files[epci_filename(item.epci)] = csv_bytes(item.rows, absolute)
    files["bilan-mi-mandat.html"] = html_page(review)
    files[STYLESHEET_NAME] = Path(finders.find(STYLESHEET)).read_bytes()
    return files


def review_zip(review, absolute):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in review_files(review, absolute).items():
            archive.writestr(name, content)
    return buffer.getvalue()
