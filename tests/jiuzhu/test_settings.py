"""Settings come from the environment: SQLite and the embedded broker by default."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 30 + "-production-secret-with-enough-entropy-1234567890",
    "JIUZHU_FIELD_KEY": "field-key-for-the-check",
    "JIUZHU_HMAC_KEY": "hmac-key-for-the-check",
    "DJANGO_ALLOWED_HOSTS": "jiuzhu.example.gov.cn",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://jiuzhu.example.gov.cn",
}


def settings_in_subprocess(env: dict[str, str]) -> dict:
    """Import jiuzhu.settings in a clean interpreter with exactly ``env``."""
    code = (
        "import json, jiuzhu.settings as s;"
        "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']),"
        "'host': s.DATABASES['default'].get('HOST', ''), 'broker': s.CELERY_BROKER_URL,"
        "'cache': s.CACHES['default']['BACKEND'], 'cache_at': s.CACHES['default'].get('LOCATION', ''),"
        "'debug': s.DEBUG,"
        "'options': s.DATABASES['default'].get('OPTIONS', {}).get('options', '')}))"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG"}}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_default_settings_use_sqlite_and_the_embedded_broker(tmp_path):
    found = settings_in_subprocess({"JIUZHU_VAR_DIR": str(tmp_path)})

    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"].startswith(str(tmp_path))
    assert found["broker"] == "filesystem://"
    # Shared by the web server and the worker (not one process's own memory), under var/.
    assert found["cache"].endswith("FileBasedCache")
    assert found["cache_at"] == str(tmp_path / "cache")


def test_database_url_selects_postgresql():
    found = settings_in_subprocess({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/jiuzhu_x"})

    assert found["engine"] == "django.db.backends.postgresql"
    assert (found["name"], found["host"]) == ("jiuzhu_x", "127.0.0.1")
    assert found["options"] == "-c jit=off"  # the dashboards' GROUP BYs gain nothing from JIT
    assert found["cache"].endswith("FileBasedCache")  # PostgreSQL without Redis: still shared


def test_redis_url_selects_redis_for_broker_and_cache():
    found = settings_in_subprocess({"REDIS_URL": "redis://127.0.0.1:6379/3"})

    assert found["broker"] == "redis://127.0.0.1:6379/3"
    assert found["cache"].endswith("RedisCache")


def test_production_without_a_secret_key_refuses_to_start():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_DEBUG"] = "0"
    result = subprocess.run(
        [sys.executable, "-c", "import jiuzhu.settings"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_check_deploy_with_production_variables_has_no_warnings():
    env = {**os.environ, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "jiuzhu.settings"}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests of this same run
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_command_can_queue_a_task_on_the_embedded_broker_before_any_worker_ran(tmp_path):
    # The nightly review run as a command queues the dashboards' warm-up: the filesystem
    # broker's folders must exist in that process too, not only in the worker's.
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'jiuzhu.settings'; django.setup();"
        "from jiuzhu.celery import ping; ping.delay()"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "JIUZHU_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(list((tmp_path / "celery" / "queue").iterdir())) == 1


def test_collectstatic_with_production_variables_builds_the_manifest_and_pages_render(tmp_path):
    # Whitenoise's manifest storage refuses a file that references another file it does
    # not have (a vendored script's sourceMappingURL): then every page is a 500.
    env = {
        **os.environ,
        **PRODUCTION_ENV,
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "JIUZHU_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "jiuzhu.settings",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()

    code = (
        "import json, django; django.setup();"
        "from django.templatetags.static import static; from django.test import Client;"
        "r = Client().get('/login/', HTTP_HOST='jiuzhu.example.gov.cn', secure=True);"
        "print(json.dumps({'status': r.status_code, 'css': static('css/app.css'),"
        "'chart': static('vendor/chartjs/chart.umd.js'), 'body': r.content.decode()}))"
    )
    rendered = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert rendered.returncode == 0, rendered.stdout + rendered.stderr
    found = json.loads(rendered.stdout.strip().splitlines()[-1])
    assert found["status"] == 200
    assert found["css"].startswith("/static/css/app.") and found["css"] != "/static/css/app.css"  # hashed name
    assert found["chart"].startswith("/static/vendor/chartjs/chart.umd.")
    assert found["css"] in found["body"]
