"""Follow-up figures shared by the pages: counts of measures per status, progress classes, the status chart.

The chart is a server-rendered SVG of horizontal bars; every page that shows it also shows the same
figures in a table (the SVG is `aria-hidden`, the table is the text equivalent).
"""

from collections import Counter
from dataclasses import dataclass

from proposals.models import Commitment

STATUSES = list(Commitment.FollowUp)

#: Bar chart geometry (SVG user units).
CHART_WIDTH = 320
BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 90


@dataclass
class StatusRow:
    status: str
    label: str
    count: int
    y: int = 0
    width: int = 0


def status_rows(counter):
    """[StatusRow, …] in the FollowUp order, with bar geometry; `counter` maps a status to a count."""
    top = max(counter.values(), default=0)
    rows = []
    for index, status in enumerate(STATUSES):
        count = counter.get(status.value, 0)
        width = round((CHART_WIDTH - LABEL_WIDTH - 30) * count / top) if top else 0
        rows.append(StatusRow(status.value, status.label, count, y=index * (BAR_HEIGHT + BAR_GAP), width=width))
    return rows


def chart_height():
    return len(STATUSES) * (BAR_HEIGHT + BAR_GAP)


def measure_status_counts(commitments, proposal):
    """Counter of the statuses of `proposal` across `commitments` (with prefetched proposals and updates)."""
    counter = Counter()
    for commitment in commitments:
        for measure in commitment.measure_list:
            if measure.proposal.pk == proposal.pk:
                counter[measure.status] += 1
    return counter


def progress_class(progress):
    """A map/legend class for a commitment's share of measures done."""
    if progress is None or progress == 0:
        return "engage"
    if progress < 50:
        return "debut"
    if progress < 100:
        return "avance"
    return "realise"


PROGRESS_LEGEND = [
    ("engage", "Aucune mesure réalisée"),
    ("debut", "Moins de la moitié réalisée"),
    ("avance", "La moitié ou plus réalisée"),
    ("realise", "Toutes les mesures réalisées"),
]
