"""Demo content of the site-wide pages: the network's key figures (presentation leaflet)."""

import datetime

from apes_portal.models import KeyFigure

# "Les ressources" of the network's presentation leaflet.
KEY_FIGURES = [
    ("adhérents", 160),
    ("collectivités partenaires", 30),
    ("administrateurs et administratrices", 22),
    ("contributeurs et contributrices", 2000),
    ("salariés", 13),
]
# The leaflet is undated; it presents the 2020 map of dynamics, so its figures are dated 2020.
FIGURES_DATE = datetime.date(2020, 12, 31)
FIGURES_SOURCE = "Plaquette de présentation du réseau"


def seed(log):
    for order, (label, value) in enumerate(KEY_FIGURES):
        KeyFigure.objects.update_or_create(
            label=label, defaults={"value": value, "as_of": FIGURES_DATE, "source": FIGURES_SOURCE, "order": order}
        )
    log(f"{len(KEY_FIGURES)} key figures")
