"""Actors placed for the map tests: two groups that cluster, around Valenciennes and around Lens."""

import random

from tests.factories import CommuneFactory, OrganisationFactory


def two_groups_of_actors(*, lens_spread):
    """30 associations around Valenciennes and 5 PTCE within `lens_spread` degrees of Lens (the same each run)."""
    randomiser = random.Random(7)
    valenciennes = CommuneFactory(name="Valenciennes", insee_code="59606", latitude=50.3591, longitude=3.51618)
    lens = CommuneFactory(name="Lens", insee_code="62498", latitude=50.43764, longitude=2.82126)
    for number in range(30):
        OrganisationFactory(
            name=f"Association {number}",
            commune=valenciennes,
            latitude=50.3591 + randomiser.uniform(-0.02, 0.02),
            longitude=3.51618 + randomiser.uniform(-0.02, 0.02),
        )
    for number in range(5):
        OrganisationFactory(
            name=f"Pôle {number}",
            kind="ptce",
            commune=lens,
            latitude=50.43764 + randomiser.uniform(-lens_spread, lens_spread),
            longitude=2.82126 + randomiser.uniform(-lens_spread, lens_spread),
        )
