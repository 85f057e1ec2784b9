"""Anonymise everything that identifies one person, found by e-mail address (GDPR erasure request).

    manage.py anonymise_person --email jeanne@example.org --dry-run
    manage.py anonymise_person --email jeanne@example.org

Covers membership applicants, correction contacts, commitment signatories, alert subscribers, initiative contacts
and organisation contact addresses, in every model of that list that exists, and their change
history (django-simple-history keeps old values: they are scrubbed too). Records are kept, so
counts, reviews and commitments stay true; only what identifies the person is replaced.

Any other e-mail column still holding the address afterwards (a model added later, a staff
account) is reported, so an operator can finish by hand and extend TARGETS.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import models, transaction
from django.forms.models import model_to_dict

from core.data import SOURCES, bump_data_version, bumps_collected

ANONYMISED_NAME = "Personne anonymisée"
OUR_APPS = ("apes_portal", "territories", "directory", "publications", "proposals")


def placeholder_email(instance):
    """A valid, unique address for required e-mail fields (keeps unique constraints satisfied)."""
    return f"anonyme-{instance.pk}@invalid.example"


@dataclass
class Target:
    model: str  # "app_label.ModelName"; skipped when the app or the model does not exist
    email_field: str  # a field, or a key of a JSON field ("changes__email")
    description: str
    values: dict = field(default_factory=dict)  # field -> replacement (a callable gets the instance)
    method: str = ""  # or: the model's own anonymisation method, which saves the object
    skip: dict = field(default_factory=dict)  # filter of rows already anonymised


TARGETS = [
    Target(
        "directory.MembershipApplication",
        "email",
        "demandes d'adhésion",
        values={"contact_name": ANONYMISED_NAME, "phone": "", "email": placeholder_email},
    ),
    Target(
        "directory.CorrectionRequest",
        "contact_email",
        "signalements de correction",
        values={"contact_name": "", "contact_email": ""},
    ),
    Target(
        "proposals.Commitment",
        "email",
        "engagements (signataires)",
        method="anonymise",
        skip={"anonymised_at__isnull": False},
    ),
    Target(
        "proposals.AlertSubscription",
        "email",
        "abonnements aux alertes du suivi",
        # Unconfirmed: no alert goes out any more, and send_followup_alerts deletes it once its link expired.
        values={"email": placeholder_email, "confirmed_at": None},
    ),
    Target(
        "territories.Initiative",
        "contact_email",
        "contacts d'initiatives",
        values={"contact": "", "contact_email": ""},
    ),
    Target("directory.Organisation", "email", "courriels de contact d'organisations", values={"email": ""}),
    Target(
        "directory.ProposedChange",
        "changes__email",
        "modifications proposées par des membres",
        values={"changes": lambda change: {**change.changes, "email": ""}},
    ),
]


def get_model(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def history_model(model):
    """The django-simple-history model of `model`, if it keeps a history."""
    manager = getattr(model, "history", None)
    return getattr(manager, "model", None)


def has_field(model, name):
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


class Command(BaseCommand):
    help = "Anonymise the personal data of one person (found by e-mail) across the portal's models."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="The person's e-mail address (case-insensitive).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change, change nothing.")

    def handle(self, *args, email, dry_run, verbosity, **options):
        email = email.strip()
        try:
            validate_email(email)
        except Exception:
            raise CommandError(f"Adresse e-mail invalide : {email!r}") from None

        total = 0
        with transaction.atomic(), bumps_collected():
            for target in TARGETS:
                total += self.anonymise_target(target, email, verbosity)
            leftovers = self.remaining_occurrences(email)
            # QuerySet.update() sends no signal: names may leave public pages and data.
            bump_data_version(*SOURCES)
            if dry_run:
                transaction.set_rollback(True)

        for label, count in leftovers:
            self.stdout.write(self.style.WARNING(f"{label}: {count} ligne(s) contiennent encore cette adresse."))
        if leftovers:
            self.stdout.write(
                self.style.WARNING(
                    "À traiter à la main (compte d'équipe : à supprimer dans l'administration), "
                    "puis ajouter le modèle à TARGETS dans anonymise_person.py."
                )
            )
        verb = "would be anonymised (dry run, nothing changed)" if dry_run else "anonymised"
        style = self.style.WARNING if dry_run else self.style.SUCCESS
        self.stdout.write(style(f"{total} record(s) {verb}."))

    def anonymise_target(self, target, email, verbosity):
        model = get_model(target.model)
        if model is None or not has_field(model, target.email_field.split("__")[0]):
            if verbosity >= 2:
                self.stdout.write(f"{target.model}: absent, skipped.")
            return 0
        rows = model._default_manager.filter(**{f"{target.email_field}__iexact": email})
        if target.skip:
            rows = rows.exclude(**target.skip)
        rows = list(rows.order_by("pk"))
        history = history_model(model)
        scrubbed_history = 0
        for instance in rows:
            before = model_to_dict(instance)
            if target.method:
                getattr(instance, target.method)()
                instance.refresh_from_db()
            else:
                for name, value in target.values.items():
                    if has_field(model, name):
                        setattr(instance, name, value(instance) if callable(value) else value)
                # update() rather than save(): no new history row carrying the old values' diff.
                model._default_manager.filter(pk=instance.pk).update(
                    **{name: getattr(instance, name) for name in target.values if has_field(model, name)}
                )
            after = model_to_dict(instance)
            changed = {
                name: after[name]
                for name in before
                if before[name] != after[name] and not isinstance(model._meta.get_field(name), models.ManyToManyField)
            }
            if history is not None and changed:
                scrubbed_history += history.objects.filter(**{model._meta.pk.attname: instance.pk}).update(
                    **{name: value for name, value in changed.items() if has_field(history, name)}
                )
        # Old versions of other objects that once held the address (e.g. an address changed since).
        if history is not None and "__" not in target.email_field and has_field(history, target.email_field):
            scrubbed_history += history.objects.filter(**{f"{target.email_field}__iexact": email}).update(
                **{target.email_field: ""}
            )
        if rows or scrubbed_history:
            ids = ", ".join(str(row.pk) for row in rows)
            self.stdout.write(
                f"{target.description} ({target.model}): {len(rows)} anonymisé(s)"
                + (f" [ids {ids}]" if ids else "")
                + (f", {scrubbed_history} version(s) d'historique nettoyée(s)" if scrubbed_history else "")
            )
        return len(rows)

    def remaining_occurrences(self, email):
        """Every e-mail column of our apps (and user accounts) still holding the address."""
        found = []
        for model in apps.get_models():
            if model._meta.app_label not in (*OUR_APPS, "auth"):
                continue
            for model_field in model._meta.get_fields():
                if isinstance(model_field, models.EmailField):
                    count = model._default_manager.filter(**{f"{model_field.name}__iexact": email}).count()
                    if count:
                        found.append((f"{model._meta.label}.{model_field.name}", count))
        return found
