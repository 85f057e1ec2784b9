"""Every public page carries the security headers; only the map embed may be framed."""

import pytest

from apes_portal.middleware import permissions_policy_header
from tests.security.urlwalk import concrete_public_urls

pytestmark = pytest.mark.django_db

EMBED_PREFIX = "/carte/embed/"


def csp_directives(response):
    header = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_home_page_sends_every_security_header(visitor):
    response = visitor.get("/")
    assert response.status_code == 200
    csp = csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no CDN
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response.headers["Permissions-Policy"]
    assert "camera=()" in policy and "microphone=()" in policy and "geolocation=(self)" in policy


def test_permissions_policy_serialisation():
    header = permissions_policy_header({"camera": [], "geolocation": ["self", "https://carte.example.org"]})
    assert header == 'camera=(), geolocation=(self "https://carte.example.org")'


def test_every_public_page_has_the_headers_and_only_the_embed_can_be_framed(visitor, populated_site):
    urls = concrete_public_urls(visitor)
    assert "/" in urls and len(urls) > 3
    for url in urls:
        response = visitor.get(url)
        assert response.status_code < 500, url
        assert response.headers.get("X-Content-Type-Options") == "nosniff", url
        assert response.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", url
        assert "Permissions-Policy" in response.headers, url
        csp = csp_directives(response)
        assert "'unsafe-inline'" not in csp.get("script-src", []), url
        assert "'unsafe-eval'" not in csp.get("script-src", []), url
        if url.startswith(EMBED_PREFIX):
            # Partner sites frame the map: no X-Frame-Options, CSP frame-ancestors opened on purpose.
            assert "X-Frame-Options" not in response.headers, url
            assert csp.get("frame-ancestors") != ["'none'"], url
        else:
            assert response.headers.get("X-Frame-Options") == "DENY", url
            assert csp.get("frame-ancestors") == ["'none'"], url


def test_error_pages_carry_the_headers_too(visitor):
    response = visitor.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert response.headers["X-Frame-Options"] == "DENY"
    assert csp_directives(response)["script-src"] == ["'self'"]


def test_plain_http_is_redirected_except_the_health_probe(settings):
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # middleware is loaded at the first request, with the setting above
    page = client.get("/charte/")
    assert page.status_code == 301
    assert page["Location"] == "https://testserver/charte/"
    assert client.get("/healthz").status_code == 200


def test_the_map_embed_can_be_framed_by_partner_sites(visitor):
    from django.urls import reverse

    response = visitor.get(reverse("directory:map-embed"))
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    assert csp_directives(response)["frame-ancestors"] != ["'none'"]
    assert csp_directives(response)["script-src"] == ["'self'"]  # framed, but still no inline script


def test_every_response_sends_the_configured_policy_whole(visitor, settings):
    configured = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for url, status in [("/", 200), ("/charte/", 200), ("/cette-page-n-existe-pas/", 404)]:
        response = visitor.get(url)
        assert response.status_code == status
        assert csp_directives(response) == configured, url
