"""The one notifier: mail leaves after the commit, and a mail outage never reaches the person submitting."""

import logging
from pathlib import Path

import pytest
from django.core import mail
from django.db import transaction

from core import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def after_commit(monkeypatch, django_capture_on_commit_callbacks):
    """The real after-commit behaviour (the suite's autouse fixture sends at once)."""
    monkeypatch.setattr(notify, "on_commit", transaction.on_commit)
    return django_capture_on_commit_callbacks


def test_staff_mail_leaves_after_the_commit(after_commit, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["equipe@apes.example"]
    with after_commit(execute=True):
        notify.notify_staff("Nouvelle\r\ndemande", "Une demande est arrivée.")
        assert mail.outbox == []
    assert [m.subject for m in mail.outbox] == ["[Apes] Nouvelle demande"]


def test_nothing_is_sent_for_a_rolled_back_submission(after_commit):
    with after_commit(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        notify.notify("jeanne@example.org", "Confirmez", "Le lien.")
        raise RuntimeError("the submission failed")
    assert mail.outbox == []


def test_a_mail_outage_is_logged_not_raised(settings, caplog):
    settings.EMAIL_BACKEND = "tests.admin.test_submissions.BrokenBackend"
    with caplog.at_level(logging.ERROR, logger="core.notify"):
        notify.notify("jeanne@example.org", "Confirmez", "Le lien.")
    assert "Could not send the email 'Confirmez'" in caplog.text


def test_every_mail_has_its_html_alternative(settings):
    """templates/mail/<event>.txt goes with <event>.html (core.notify attaches it); footer.txt is a part."""
    mails = Path(settings.BASE_DIR, "templates", "mail")
    texts = {path.stem for path in mails.glob("*.txt")} - {"footer"}
    assert texts and texts <= {path.stem for path in mails.glob("*.html")}
