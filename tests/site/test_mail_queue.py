"""The mail queue: a message is stored before any SMTP talk, and a refusing server never loses it."""

import pytest
from django.core.management import call_command
from mailer.models import Message

from core import notify
from tests.smtp_stub import smtp_server  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db


def test_a_mail_is_kept_while_the_server_refuses_and_delivered_once_it_recovers(smtp_server):  # noqa: F811
    smtp_server.refusing = True
    notify.notify("jeanne@example.org", "Votre demande d'adhésion", "Nous avons bien reçu votre demande.")
    assert Message.objects.count() == 1

    call_command("send_mail", verbosity=0)
    assert smtp_server.received == []
    assert Message.objects.deferred().count() == 1

    smtp_server.refusing = False
    call_command("send_mail", verbosity=0)
    assert smtp_server.received == [], "a deferred message waits for retry_deferred"

    call_command("retry_deferred", verbosity=0)
    call_command("send_mail", verbosity=0)
    assert [envelope.rcpt_tos for envelope in smtp_server.received] == [["jeanne@example.org"]]
    assert Message.objects.count() == 0


def test_a_templated_mail_carries_its_html_alternative(smtp_server):  # noqa: F811
    notify.notify(
        "jeanne@example.org",
        "Votre demande d'adhésion",
        "mail/membership_received.txt",
        {"application": type("A", (), {"organisation_name": "Le Maillage", "contact_name": "Jeanne"})()},
    )
    call_command("send_mail", verbosity=0)
    content = smtp_server.received[0].content.decode()
    assert "text/plain" in content and "text/html" in content
    assert "Le Maillage" in content
