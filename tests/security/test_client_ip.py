"""The client address used by rate limits and lockouts cannot be forged through headers."""

from django.test import RequestFactory

from core.client_ip import UNKNOWN_CLIENT, client_ip

factory = RequestFactory()


def request_from(remote_addr, forwarded_for=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return factory.get("/", **extra)


def test_without_proxy_the_socket_address_wins(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("192.0.2.10", "1.2.3.4")) == "192.0.2.10"


def test_behind_one_proxy_the_address_it_saw_is_used(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client wrote "1.2.3.4" itself; our proxy appended the address it really saw.
    assert client_ip(request_from("10.0.0.1", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_behind_two_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.1")) == "198.51.100.7"


def test_garbage_falls_back_to_the_socket_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.1", "not-an-ip")) == "10.0.0.1"
    assert client_ip(request_from("10.0.0.1", "")) == "10.0.0.1"


def test_unix_socket_without_address_does_not_crash(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("")) == UNKNOWN_CLIENT
