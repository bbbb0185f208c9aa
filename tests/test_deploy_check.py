"""``manage.py check --deploy`` passes with production variables, and the
production settings refuse to start without a secret key."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def production_env(**overrides) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "SECURE_", "SITE_URL", "BENCH_")
        )
    }
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="portail.example.org",
        SITE_URL="https://portail.example.org",
        # Production sends real mail; the console backend fails the deploy check.
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        DATABASE_URL=os.environ.get("DATABASE_URL") or "sqlite:////tmp/eh-deploy-check.sqlite3",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def manage(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_without_warnings():
    env = production_env()
    assert len(env["SECRET_KEY"]) >= 50
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "ERRORS" not in output
    assert "System check identified no issues" in output


def test_production_without_secret_key_fails():
    result = manage("check", "--deploy", env=production_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_requires_an_https_site_url():
    for site_url in (None, "http://portail.example.org"):
        result = manage("check", env=production_env(SITE_URL=site_url))
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "SITE_URL" in result.stderr


def test_production_refuses_the_bench_endpoints():
    result = manage("check", env=production_env(BENCH_ENDPOINTS="true"))
    assert result.returncode != 0
    assert "BENCH_ENDPOINTS" in result.stderr


def test_production_settings_values():
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.BENCH_ENDPOINTS, s.SITE_URL, s.WAGTAILADMIN_BASE_URL, "
        "'django.middleware.csp.ContentSecurityPolicyMiddleware' in s.MIDDLEWARE, "
        "s.SECURE_CSP['frame-ancestors'], s.SECURE_CSP['object-src']]))"
    )
    result = manage("shell", "-v", "0", "-c", code, env=production_env())
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        False,
        "https://portail.example.org",
        "https://portail.example.org",
        True,
        ["'none'"],
        ["'none'"],
    ]
