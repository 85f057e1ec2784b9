"""Send the follow-up alerts: each confirmed address gets at most one mail a day, listing what was published
since its last alert (or its confirmation) for each EPCI or measure it follows. Run daily from cron:

    manage.py send_followup_alerts --base-url https://www.apes-hdf.org

Addresses with nothing new get no mail. Unconfirmed subscriptions whose link has expired are deleted.
"""

from collections import defaultdict

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.commands import absolute_url_builder, add_base_url_argument
from proposals.mails import send_alert
from proposals.models import AlertSubscription


class Command(BaseCommand):
    help = "Email each confirmed subscriber the follow-up updates published since their last alert (once a day)."

    def add_arguments(self, parser):
        add_base_url_argument(parser)
        parser.add_argument("--dry-run", action="store_true", help="Count the mails, send nothing, change nothing.")

    def handle(self, *args, base_url, dry_run, **options):
        absolute = absolute_url_builder(base_url)

        now = timezone.now()
        by_address = defaultdict(list)
        for subscription in AlertSubscription.objects.due(now).select_related("epci", "proposal").order_by("pk"):
            by_address[subscription.email].append(subscription)

        sent = 0
        for email, subscriptions in by_address.items():
            sections = []
            for subscription in subscriptions:
                updates = list(
                    subscription.pending_updates()
                    .filter(published_at__lte=now)
                    .select_related("commitment__commune__epci")
                )
                if updates:
                    sections.append((subscription, updates))
            if not sections:
                continue
            sent += 1
            if dry_run:
                continue
            send_alert(absolute, email, sections)
            # Every subscription of the address was read up to `now`, those without news included.
            AlertSubscription.objects.filter(pk__in=[s.pk for s in subscriptions]).update(last_sent_at=now)

        stale = AlertSubscription.objects.stale(now)
        purged = stale.count() if dry_run else stale.delete()[0]
        verb = "would be sent (dry run)" if dry_run else "sent"
        self.stdout.write(f"{sent} alert(s) {verb}; {purged} expired unconfirmed subscription(s) deleted.")
