"""Send the follow-up alerts: each confirmed address gets at most one mail a day, listing what was published
since its last alert (or its confirmation) for each EPCI or measure it follows. Run daily from cron:

    manage.py send_followup_alerts --base-url https://www.apes-hdf.org

Addresses with nothing new get no mail. Unconfirmed subscriptions whose link has expired are deleted.
"""

from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.utils import timezone

from proposals.mails import send_alert
from proposals.models import AlertSubscription


class Command(BaseCommand):
    help = "Email each confirmed subscriber the follow-up updates published since their last alert (once a day)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url", required=True, help="The public site's address for the links, e.g. https://www.apes-hdf.org"
        )
        parser.add_argument("--dry-run", action="store_true", help="Count the mails, send nothing, change nothing.")

    def handle(self, *args, base_url, dry_run, **options):
        base_url = base_url.rstrip("/")
        try:
            URLValidator(schemes=["http", "https"])(base_url)
        except Exception:
            raise CommandError(f"Adresse du site invalide : {base_url!r}") from None

        def absolute(path):
            return f"{base_url}{path}"

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
