"""Settings are read from the environment and refuse unsafe or malformed values loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from apes_portal.settings import env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parents[2]


def run(*args, **env):
    """Run Python with `args` in a fresh process, with exactly the given settings variables."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "TESTING", "DATABASE_URL"}}
    clean.update(env)
    return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=120)


def run_check(**env):
    return run("manage.py", "check", **env)


def load_wsgi(**env):
    """Import the WSGI application as gunicorn does."""
    return run("-c", "import apes_portal.wsgi", **env)


def test_production_server_without_secret_key_refuses_to_start():
    result = load_wsgi(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_runserver_without_debug_or_secret_key_refuses_to_start():
    result = run("manage.py", "runserver", "--noreload", "127.0.0.1:0", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_offline_management_commands_run_without_a_secret_key():
    """migrate, makemigrations, createsuperuser… serve nothing: a throwaway key is enough for them."""
    result = run_check(DEBUG="false", ALLOWED_HOSTS="portail.example.org")
    assert result.returncode == 0, result.stderr


def test_production_server_with_secret_key_starts():
    result = load_wsgi(DEBUG="false", SECRET_KEY="x" * 60, ALLOWED_HOSTS="portail.example.org")
    assert result.returncode == 0, result.stderr


def test_production_with_secret_key_starts():
    result = run_check(DEBUG="false", SECRET_KEY="x" * 60, ALLOWED_HOSTS="portail.example.org")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_malformed_debug_value_is_a_configuration_error():
    result = run_check(DEBUG="maybe", SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("1", True), ("ON", True), ("false", False), ("0", False), ("", False)]
)
def test_env_bool_accepts_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG") is expected


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("SOME_FLAG", raising=False)
    assert env_bool("SOME_FLAG", default=True) is True


def test_env_int_rejects_text(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "douze")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be an integer"):
        env_int("SOME_NUMBER", 3)


def test_env_list_splits_and_trims(monkeypatch):
    monkeypatch.setenv("SOME_HOSTS", " a.example.org, b.example.org ,,")
    assert env_list("SOME_HOSTS") == ["a.example.org", "b.example.org"]


def test_interface_is_french(settings):
    assert settings.LANGUAGE_CODE == "fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.USE_I18N is True
