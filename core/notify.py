"""The one way the portal emails anyone: the staff (`notify_staff`) or one person (`notify`).

One failure policy: what triggered the mail (an application, a commitment…) is already saved and is
never lost because of mail. Messages go out after the surrounding transaction commits (a rolled-back
submission sends nothing), and a sending error is logged, never raised into the request.

All sending lives here so a database mail queue can later be plugged in behind these two functions.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db.transaction import on_commit
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

STAFF_SUBJECT_PREFIX = "[Apes] "


def notify_staff(subject, template_or_body, context=None):
    """Email the staff (settings.STAFF_NOTIFICATION_EMAILS); nothing is sent when that list is empty.

    `template_or_body` is a template name rendered with `context`, or, without a context, the body itself.
    """
    recipients = list(settings.STAFF_NOTIFICATION_EMAILS)
    if recipients:
        _send_after_commit(f"{STAFF_SUBJECT_PREFIX}{subject}", _body(template_or_body, context), recipients)


def notify(recipient, subject, template_or_body, context=None, headers=None):
    """Email one person (a signatory, an applicant); same arguments as `notify_staff`.

    `headers`: optional extra mail headers (e.g. `List-Unsubscribe` on alerts), a dict of str.
    """
    _send_after_commit(subject, _body(template_or_body, context), [recipient], headers=headers)


def _body(template_or_body, context):
    return template_or_body if context is None else render_to_string(template_or_body, context)


def _one_line(subject):
    # Names come from the public: a line break in a subject would be a header injection.
    return " ".join(subject.split())[:200]


def _send_after_commit(subject, body, recipients, headers=None):
    subject = _one_line(subject)

    def send():
        try:
            if headers:
                EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, headers=headers).send()
            else:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except Exception:  # noqa: BLE001 — the submission is saved; a mail outage must not lose it or show a 500.
            logger.exception("Could not send the email %r to %d recipient(s)", subject, len(recipients))

    on_commit(send)
