"""GDPR erasure: `manage.py anonymise_person --email` removes one person from every record and
from the change history, leaves everyone else alone, and reports what it could not handle."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from tests import factories

pytestmark = pytest.mark.django_db

EMAIL = "jeanne.martin@example.org"


def run(*args):
    out = StringIO()
    call_command("anonymise_person", *args, stdout=out)
    return out.getvalue()


def need(factory_name):
    factory_class = getattr(factories, factory_name, None)
    if factory_class is None:
        pytest.skip(f"{factory_name} does not exist yet")
    return factory_class


@pytest.fixture
def jeanne(db):
    """Jeanne applied for membership, reported a correction, signed a commitment, and her address is
    the contact address of her organisation (which has a change history)."""
    records = {
        "application": need("MembershipApplicationFactory")(
            contact_name="Jeanne Martin", email=EMAIL, phone="06 12 34 56 78"
        ),
        "correction": need("CorrectionRequestFactory")(contact_name="Jeanne Martin", contact_email=EMAIL.upper()),
        "commitment": need("CommitmentFactory")(
            full_name="Jeanne Martin", email=EMAIL, proposals=[need("ProposalFactory")()]
        ),
        "organisation": factories.OrganisationFactory(email=EMAIL),
        "proposed_change": need("ProposedChangeFactory")(changes={"email": EMAIL, "phone": "03 20 00 00 00"}),
    }
    records["organisation"].name = "La Ressourcerie de Jeanne"
    records["organisation"].save()  # a second history version, still with her address
    return records


@pytest.fixture
def paul(db):
    return need("MembershipApplicationFactory")(contact_name="Paul Durand", email="paul@example.org")


def reload(instance):
    instance.refresh_from_db()
    return instance


def test_dry_run_reports_and_changes_nothing(jeanne, paul):
    output = run("--email", EMAIL, "--dry-run")
    assert "dry run" in output
    assert "demandes d'adhésion (directory.MembershipApplication): 1 anonymisé(s)" in output
    assert reload(jeanne["application"]).contact_name == "Jeanne Martin"
    assert reload(jeanne["commitment"]).full_name == "Jeanne Martin"
    assert reload(jeanne["organisation"]).email == EMAIL


def test_every_record_of_the_person_is_anonymised(jeanne, paul):
    output = run("--email", EMAIL)
    assert "5 record(s) anonymised." in output

    application = reload(jeanne["application"])
    assert application.contact_name == "Personne anonymisée"
    assert application.phone == ""
    assert application.email.endswith("@invalid.example")
    assert application.organisation_name  # the request itself stays (counts, review trail)

    correction = reload(jeanne["correction"])
    assert (correction.contact_name, correction.contact_email) == ("", "")
    assert correction.message

    commitment = reload(jeanne["commitment"])
    assert "Jeanne" not in commitment.full_name and EMAIL not in commitment.email
    assert commitment.anonymised_at is not None
    assert commitment.proposals.count() == 1  # still counts for the proposal

    assert reload(jeanne["organisation"]).email == ""
    assert reload(jeanne["proposed_change"]).changes == {"email": "", "phone": "03 20 00 00 00"}

    # Nobody else is touched.
    assert reload(paul).contact_name == "Paul Durand"


def test_the_change_history_forgets_the_person_too(jeanne):
    organisation = jeanne["organisation"]
    assert organisation.history.filter(email=EMAIL).count() == 2
    run("--email", EMAIL)
    assert organisation.history.count() == 2  # versions are kept...
    assert not organisation.history.filter(email__iexact=EMAIL).exists()  # ...without her address


def test_no_email_column_of_the_portal_still_holds_the_address(jeanne):
    run("--email", EMAIL)
    for model in apps.get_models():
        if model._meta.app_label not in {"apes_portal", "territories", "directory", "publications", "proposals"}:
            continue
        for field in model._meta.get_fields():
            if field.get_internal_type() == "EmailField":
                assert not model._default_manager.filter(**{f"{field.name}__iexact": EMAIL}).exists(), (
                    model._meta.label,
                    field.name,
                )


def test_what_cannot_be_handled_is_reported(jeanne):
    factories.UserFactory(username="jeanne", email=EMAIL)
    output = run("--email", EMAIL)
    assert "auth.User.email: 1 ligne(s) contiennent encore cette adresse." in output


def test_running_it_twice_changes_nothing_more(jeanne):
    run("--email", EMAIL)
    assert "0 record(s) anonymised." in run("--email", EMAIL)


def test_an_invalid_address_is_refused():
    with pytest.raises(CommandError, match="invalide"):
        run("--email", "pas-une-adresse")
