"""A local SMTP server (aiosmtpd on 127.0.0.1) that can refuse mail, then recover: the mail queue's tests."""

import socket

import pytest
from aiosmtpd.controller import Controller


class StubHandler:
    """Accepts every message into `received`, or answers 451 to each while `refusing` is set."""

    def __init__(self):
        self.refusing = False
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "451 4.3.0 Serveur indisponible, réessayez plus tard"
        self.received.append(envelope)
        return "250 Message accepted for delivery"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """The stub server, with the queue configured to deliver to it (no TLS, no file lock)."""
    handler = StubHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "mailer.backend.DbBackend"
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.MAILER_USE_FILE_LOCK = False
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    yield handler
    controller.stop()
