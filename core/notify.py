"""The one way the portal emails anyone: the staff (`notify_staff`) or one person (`notify`).

One failure policy: what triggered the mail (an application, a commitment…) is already saved and is
never lost because of mail. Messages are handed over after the surrounding transaction commits (a
rolled-back submission sends nothing) to the email backend, which in production is django-mailer's
database queue (settings.EMAIL_BACKEND = "mailer.backend.DbBackend"): the message is stored as a row,
and `manage.py send_mail` (run every minute by cron or a systemd timer, docs/operations.md) delivers it;
a refusing SMTP server leaves it deferred for `manage.py retry_deferred`. Any error while handing the
message over is logged, never raised into the request.

A template named "….txt" is the plain-text body; when a sibling "….html" exists it is attached as the
HTML alternative.
"""

import logging
from contextlib import suppress

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.transaction import on_commit
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

STAFF_SUBJECT_PREFIX = "[Apes] "


def notify_staff(subject, template_or_body, context=None):
    """Email the staff (settings.STAFF_NOTIFICATION_EMAILS); nothing is sent when that list is empty.

    `template_or_body` is a template name rendered with `context`, or, without a context, the body itself.
    """
    recipients = list(settings.STAFF_NOTIFICATION_EMAILS)
    if recipients:
        text, html = _bodies(template_or_body, context)
        _send_after_commit(f"{STAFF_SUBJECT_PREFIX}{subject}", text, html, recipients)


def notify(recipient, subject, template_or_body, context=None, headers=None):
    """Email one person (a signatory, an applicant); same arguments as `notify_staff`.

    Nothing is sent when `recipient` is empty (a submission without an address). `headers`: optional extra
    mail headers (e.g. `List-Unsubscribe` on alerts), a dict of str.
    """
    if recipient:
        text, html = _bodies(template_or_body, context)
        _send_after_commit(subject, text, html, [recipient], headers=headers)


def _bodies(template_or_body, context):
    """(plain text, HTML or None) for a template name and its context, or a literal body."""
    if context is None:
        return template_or_body, None
    text = render_to_string(template_or_body, context)
    html = None
    if template_or_body.endswith(".txt"):
        with suppress(TemplateDoesNotExist):
            html = render_to_string(template_or_body.removesuffix(".txt") + ".html", context)
    return text, html


def _one_line(subject):
    # Names come from the public: a line break in a subject would be a header injection.
    return " ".join(subject.split())[:200]


def _send_after_commit(subject, text, html, recipients, headers=None):
    subject = _one_line(subject)

    def send():
        message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, recipients, headers=headers)
        if html:
            message.attach_alternative(html, "text/html")
        try:
            message.send()
        except Exception:  # noqa: BLE001 — the submission is saved; a mail outage must not lose it or show a 500.
            logger.exception("Could not send the email %r to %d recipient(s)", subject, len(recipients))

    on_commit(send)
