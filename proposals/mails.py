"""The proposals mails, all through `core.notify`: commitment confirmation (listing the measures), validated or
refused, update published or refused; alert subscription confirmation and the daily alerts.

Each mail is `templates/mail/<event>.txt` with its `.html` alternative, as every mail of the portal.
Mails sent from the admin build absolute links from the staff member's request, as the public views do.
"""

from django.conf import settings
from django.urls import reverse

from core.notify import notify, notify_staff
from proposals.models import ALERT_CONFIRMATION_MAX_AGE


def _send(commitment, subject, event, context):
    """Mail the signatory of `commitment` the `mail/<event>.txt` mail (and its HTML alternative)."""
    notify(commitment.email, subject, f"mail/{event}.txt", {"commitment": commitment, **context})


def proposal_link(request, commitment):
    """The signed, expiring link through which the team proposes a follow-up update."""
    return request.build_absolute_uri(reverse("proposals:update-propose", kwargs={"token": commitment.update_token()}))


def send_confirmation_email(request, commitment):
    link = request.build_absolute_uri(
        reverse("proposals:commitment-confirm", kwargs={"token": commitment.confirmation_token()})
    )
    days = max(1, settings.COMMITMENT_CONFIRMATION_MAX_AGE // 86400)
    proposals = commitment.proposals.select_related("axis").order_by("axis__order", "order")
    _send(
        commitment,
        "Confirmez votre engagement — propositions de l'Apes Hauts-de-France",
        "commitment_confirmation",
        {"link": link, "days": days, "proposals": proposals},
    )


def send_validated_email(request, commitment, message=""):
    """Told once staff validate: the public page, the link to propose updates and the staff's word, if any."""
    _send(
        commitment,
        f"Votre engagement est publié ({commitment.territory_name})",
        "commitment_validated",
        {
            "page": request.build_absolute_uri(commitment.get_absolute_url()),
            "propose": proposal_link(request, commitment),
            "message": message,
        },
    )


def send_refused_email(request, commitment, message=""):
    """Told when staff refuse a commitment, or withdraw a public one, with the staff's word, if any."""
    if commitment.validated_at:
        subject = f"Votre engagement est retiré de la liste publique ({commitment.territory_name})"
    else:
        subject = f"Votre engagement n'est pas publié ({commitment.territory_name})"
    _send(commitment, subject, "commitment_refused", {"message": message})


def send_update_published_email(request, update, message=""):
    commitment = update.commitment
    _send(
        commitment,
        f"Suivi de votre engagement mis à jour ({commitment.territory_name})",
        "update_published",
        {
            "update": update,
            "page": request.build_absolute_uri(update.get_absolute_url()),
            "propose": proposal_link(request, commitment),
            "message": message,
        },
    )


def send_update_refused_email(request, update, message=""):
    """Told when staff refuse a proposed update: why, and a fresh link to propose another (the old one served)."""
    _send(
        update.commitment,
        f"Votre mise à jour n'est pas publiée ({update.commitment.territory_name})",
        "update_refused",
        {"update": update, "message": message, "propose": proposal_link(request, update.commitment)},
    )


def tell_staff_about(request, commitment):
    admin_link = request.build_absolute_uri(commitment.get_admin_url())
    context = {"commitment": commitment, "admin_link": admin_link, "proposals": commitment.proposals.all()}
    notify_staff(
        f"Nouvel engagement à valider : {commitment.full_name} ({commitment.territory_name})",
        "mail/commitment_to_validate.txt",
        context,
    )


def tell_staff_about_proposed_update(request, update):
    admin_link = request.build_absolute_uri(reverse("admin:proposals_commitmentupdate_change", args=[update.pk]))
    notify_staff(
        f"Suivi proposé par {update.commitment.full_name} ({update.commitment.territory_name})",
        "mail/update_proposed.txt",
        {"update": update, "admin_link": admin_link},
    )


# Alerts on the follow-up (proposals.models.alerts) ----------------------------------------------
# `absolute(path)` builds a full URL: request.build_absolute_uri from a view, the --base-url of the command.


def send_alert_confirmation(absolute, email, subscriptions):
    """One mail with one confirmation link per new subscription; nothing else is sent before confirmation."""
    items = [
        {
            "subscription": s,
            "link": absolute(reverse("proposals:alert-confirm", kwargs={"token": s.confirmation_token()})),
        }
        for s in subscriptions
    ]
    notify(
        email,
        "Confirmez votre abonnement aux alertes de l'Apes",
        "mail/alert_confirm.txt",
        {"items": items, "days": max(1, ALERT_CONFIRMATION_MAX_AGE // 86400)},
    )


def unsubscribe_link(absolute, subscription, everything=False):
    token = subscription.unsubscribe_token(everything=everything)
    return absolute(reverse("proposals:alert-unsubscribe", kwargs={"token": token}))


def send_alert(absolute, email, sections):
    """The daily alert of one address: `sections` is [(subscription, [updates…]), …], only those with news.

    Every mail carries its unsubscribe links and the List-Unsubscribe headers (RFC 2369 and the RFC 8058
    one-click POST), which leave every alert of this address.
    """
    everything = unsubscribe_link(absolute, sections[0][0], everything=True)
    context = {
        "sections": [
            {
                "subscription": subscription,
                "page": absolute(subscription.subject_url()),
                "updates": [{"update": u, "page": absolute(u.get_absolute_url())} for u in updates],
                "unsubscribe": unsubscribe_link(absolute, subscription),
            }
            for subscription, updates in sections
        ],
        "unsubscribe_all": everything,
        "count": sum(len(updates) for _, updates in sections),
    }
    notify(
        email,
        "Du nouveau dans le suivi des engagements municipaux",
        "mail/alert_updates.txt",
        context,
        headers={"List-Unsubscribe": f"<{everything}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
