"""`manage.py check --deploy` is clean with production settings, and the protections it cannot see
(HSTS preload, redirect exemption, cookies, session lifetime, upload location) are configured."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from apes_portal.settings import csp_source_for_tiles

BASE_DIR = Path(__file__).resolve().parents[2]


def production_env(**extra):
    # Test-only switches of this process (the browser tests allow Django's async-unsafe calls) are not
    # part of a production environment.
    test_only = {"DEBUG", "TESTING", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in test_only}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portail.apes-hdf.org",
        DATABASE_URL=os.environ.get("DATABASE_URL", "sqlite:////tmp/apes-check.sqlite3"),
    )
    env.update(extra)
    return env


def run_manage(*args, **extra_env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=production_env(**extra_env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issue_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_as_the_running_process_sees_them():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_EXPIRE_AT_BROWSER_CLOSE, s.DEBUG)"
    )
    result = run_manage("shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "31536000", "True", "True", "True", "True", "True", "False"]


def test_the_admin_moves_with_the_admin_url_variable():
    code = (
        "from django.urls import reverse, resolve, Resolver404\n"
        "print(reverse('admin:index'))\n"
        "try:\n    resolve('/admin/'); print('admin-still-there')\n"
        "except Resolver404:\n    print('no-admin-at-default')\n"
    )
    result = run_manage("shell", "--no-imports", "-c", code, ADMIN_URL="gestion-apes-7f3k")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/gestion-apes-7f3k/", "no-admin-at-default"]


def test_healthz_is_exempt_from_the_https_redirect():
    import re

    assert any(re.search(pattern, "healthz") for pattern in settings.SECURE_REDIRECT_EXEMPT)
    assert not any(re.search(pattern, "annuaire/") for pattern in settings.SECURE_REDIRECT_EXEMPT)


def test_staff_sessions_expire():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_uploads_are_stored_outside_the_static_tree():
    media = Path(settings.MEDIA_ROOT).resolve()
    static_dirs = [Path(settings.STATIC_ROOT).resolve(), *(Path(d).resolve() for d in settings.STATICFILES_DIRS)]
    for static_dir in static_dirs:
        assert not media.is_relative_to(static_dir), f"MEDIA_ROOT {media} is inside {static_dir}"
        assert not static_dir.is_relative_to(media), f"{static_dir} is inside MEDIA_ROOT {media}"
    assert settings.MEDIA_URL != settings.STATIC_URL


def test_csp_allows_the_configured_tile_server_only():
    img_src = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
    assert csp_source_for_tiles(settings.MAP_TILES_URL) in img_src
    assert "*" not in img_src and "https:" not in img_src


def test_tile_url_templates_become_csp_sources():
    assert csp_source_for_tiles("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://tile.openstreetmap.org"
    assert csp_source_for_tiles("https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png") == (
        "https://*.tile.openstreetmap.fr"
    )
    assert csp_source_for_tiles("https://tiles.example.org:8443/{z}/{x}/{y}.png?key=1") == (
        "https://tiles.example.org:8443"
    )


def test_a_new_tile_server_changes_the_csp_by_itself():
    code = "from django.conf import settings as s;print(' '.join(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    result = run_manage(
        "shell", "--no-imports", "-c", code, MAP_TILES_URL="https://{s}.tiles.example.net/{z}/{x}/{y}.png"
    )
    assert result.returncode == 0, result.stderr
    assert "https://*.tiles.example.net" in result.stdout.split()
    assert "https://tile.openstreetmap.org" not in result.stdout


def env_example():
    """The variables of .env.example, as a deployment copying it would set them."""
    values = {}
    for line in (BASE_DIR / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def test_check_deploy_is_clean_with_the_documented_example_environment():
    example = env_example()
    # Only what cannot work on a test machine is replaced: the example's placeholder secret and database.
    example.update(SECRET_KEY=secrets.token_urlsafe(50), DATABASE_URL="sqlite:////tmp/apes-check.sqlite3")
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **example)
    assert result.returncode == 0, result.stdout + result.stderr
