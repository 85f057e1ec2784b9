"""Public pages of the Municipales 2026 campaign, one module per idea.

`campaign` (the proposals page), `commitments` (signing and proposing updates), `followup` (the term's
follow-up: list, commitment and measure pages, map data), `feeds` (Atom feeds of the updates), `alerts`
(email alerts: subscribe, confirm, unsubscribe).
"""

from proposals.views.alerts import alert_confirm, alert_sent, alert_subscribe, alert_unsubscribe
from proposals.views.campaign import campaign_page, get_current_campaign
from proposals.views.commitments import commitment_confirm, commitment_create, commitment_sent, update_propose
from proposals.views.feeds import UpdateFeed
from proposals.views.followup import CommitmentDetailView, CommitmentListView, commitment_geojson, measure_detail

__all__ = [
    "CommitmentDetailView",
    "CommitmentListView",
    "UpdateFeed",
    "alert_confirm",
    "alert_sent",
    "alert_subscribe",
    "alert_unsubscribe",
    "campaign_page",
    "commitment_confirm",
    "commitment_create",
    "commitment_geojson",
    "commitment_sent",
    "get_current_campaign",
    "measure_detail",
    "update_propose",
]
