"""HTML and JSON travel gzipped when the client accepts it (GZIP_RESPONSES, on by default), never twice."""

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]
GZIP = "django.middleware.gzip.GZipMiddleware"

pytestmark = pytest.mark.django_db


def test_a_page_is_sent_gzipped_to_a_browser_that_accepts_it(visitor):
    plain = visitor.get(reverse("territories:index"))
    compressed = visitor.get(reverse("territories:index"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    html = gzip.decompress(compressed.content).decode()
    assert '<html lang="fr"' in html
    assert len(compressed.content) < len(plain.content) / 2


def test_map_data_keeps_its_own_gzip_and_is_not_compressed_twice(visitor, organisation):
    response = visitor.get(reverse("directory:organisation-geojson"), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    body = gzip.decompress(response.content)
    assert body.lstrip().startswith(b"{")


def middleware_with(**env):
    clean = {k: v for k, v in os.environ.items() if k != "GZIP_RESPONSES"}
    clean.update(env, TESTING="true")
    code = "from django.conf import settings; import django; django.setup(); print(settings.MIDDLEWARE)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "apes_portal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout


def test_compression_is_switched_off_behind_a_compressing_proxy():
    assert GZIP in middleware_with()
    assert GZIP not in middleware_with(GZIP_RESPONSES="false")
