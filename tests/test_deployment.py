"""The production configuration and the compose stack are valid."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from tests.compose import compose_services

ROOT = Path(__file__).resolve().parent.parent


PRODUCTION_VARIABLES = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SITE_URL")


def _production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="dlcurriculum.example",
        # Never connected to by `check`: only their presence and form are checked.
        DATABASE_URL="postgres://dlc@db.invalid:5432/dlc",
        REDIS_URL="redis://redis.invalid:6379/0",
        EMAIL_URL="smtp://mail.invalid:587",
        SITE_URL="https://dlcurriculum.example",
    )
    env.update(extra)
    return env


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    env.pop("SECRET_KEY")
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("variable", PRODUCTION_VARIABLES)
def test_check_deploy_names_a_missing_production_variable(variable):
    env = _production_env()
    env.pop(variable)
    result = _manage("check", "--deploy", env=env)
    assert result.returncode == 4
    assert f"  - {variable}" in result.stderr


def _without_production_variables():
    return {k: v for k, v in _production_env().items() if k not in PRODUCTION_VARIABLES}


def test_every_missing_variable_is_named_in_one_message_without_a_traceback():
    result = _manage("check", "--deploy", env=_without_production_variables())
    assert result.returncode == 4
    assert "Traceback" not in result.stderr
    assert result.stderr.count("will not start") == 1
    assert all(f"  - {variable}" in result.stderr for variable in PRODUCTION_VARIABLES)


@pytest.mark.parametrize(
    "command",
    [
        ["-m", "gunicorn", "dlcurriculum.wsgi:application", "--bind", "127.0.0.1:0", "--workers", "1"],
        ["-m", "celery", "-A", "dlcurriculum", "worker", "--pool", "solo"],
        ["-m", "celery", "-A", "dlcurriculum", "beat"],
    ],
    ids=["gunicorn", "celery-worker", "celery-beat"],
)
def test_servers_refuse_to_start_half_configured(command, tmp_path):
    result = subprocess.run(
        [sys.executable, *command],
        check=False,
        cwd=ROOT,
        env={**_without_production_variables(), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "will not start" in result.stderr
    assert "  - DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("EMAIL_URL", "consolemail://"),
        ("EMAIL_URL", "memorymail://"),
        ("DATABASE_URL", "sqlite:////tmp/db.sqlite3"),
        ("SITE_URL", "http://dlcurriculum.example"),
        ("REDIS_URL", "memory://"),
    ],
)
def test_production_refuses_local_mode_stand_ins(variable, value):
    result = _manage("check", env=_production_env(**{variable: value}))
    assert result.returncode == 4
    assert f"  - {variable}" in result.stderr


def test_demo_accounts_are_refused_with_debug_off():
    result = subprocess.run(
        [sys.executable, "manage.py", "create_demo_accounts"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "local mode" in result.stderr


def test_compose_file_is_valid_and_runs_the_whole_stack():
    services = compose_services()
    assert {"postgres", "redis", "web", "worker", "beat", "mailpit"} <= set(services)
    assert "gunicorn" in str(services["web"]["command"])
    assert "load_curriculum" in str(services["web"]["command"])
    assert "migrate" in str(services["web"]["command"])
    assert "worker" in str(services["worker"]["command"])
    assert "beat" in str(services["beat"]["command"])


def test_pages_carry_security_headers_and_a_csp_without_inline_scripts(client, curriculum):
    response = client.get(reverse("stages:overview"))
    csp = response.headers["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_healthz_answers_without_touching_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_database_and_broker(client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] in ("ok", "in-process")


@pytest.mark.django_db
def test_readyz_is_degraded_not_unready_when_the_broker_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["broker"].startswith("error")


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db import OperationalError

    from dlcurriculum import health

    def unreachable():
        raise OperationalError("connection timeout expired")

    monkeypatch.setattr(health.connection, "cursor", unreachable)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"] == "error: OperationalError"


def test_admin_index_shows_a_degraded_broker(admin_client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "Services: <strong>degraded</strong>" in page


def _compose_web_healthcheck() -> list[str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    test = compose["services"]["web"]["healthcheck"]["test"]
    assert test[0] == "CMD"
    return test[1:]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_answer_probes_addressed_to_the_container_ip(client, settings, path):
    settings.ALLOWED_HOSTS = ["dlcurriculum.example"]
    assert client.get("/", HTTP_HOST="172.18.0.5:8000").status_code == 400  # real pages still refuse the host
    response = client.get(path, HTTP_HOST="172.18.0.5:8000")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_compose_web_healthcheck_passes_against_a_live_server_whatever_allowed_hosts_says(live_server, settings):
    settings.ALLOWED_HOSTS = ["dlcurriculum.example"]
    command = [part.replace("http://127.0.0.1:8000", live_server.url) for part in _compose_web_healthcheck()]
    assert command[0] == "python"
    assert "/readyz" in command[-1]
    result = subprocess.run([sys.executable, *command[1:]], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db(transaction=True)
def test_compose_web_healthcheck_passes_while_the_broker_is_unreachable(live_server, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    command = [part.replace("http://127.0.0.1:8000", live_server.url) for part in _compose_web_healthcheck()]
    result = subprocess.run([sys.executable, *command[1:]], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr


def test_the_broker_redelivers_a_task_only_after_the_longest_task_could_have_run(settings):
    from dlcurriculum.celery_app import app

    app.loader.import_default_modules()
    limits = [settings.CELERY_TASK_TIME_LIMIT] + [
        task.time_limit for name, task in app.tasks.items() if not name.startswith("celery.") and task.time_limit
    ]
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > max(limits)


def test_beat_uses_the_catch_up_scheduler_and_sweeps_the_outbox_every_half_minute(settings):
    assert settings.CELERY_BEAT_SCHEDULER == "dlcurriculum.beat:CatchUpScheduler"
    assert settings.CELERY_BEAT_SCHEDULE["mail-deliver-due"]["schedule"] <= 30


def test_gunicorn_kills_a_worker_only_after_the_request_deadline_and_database_timeouts(monkeypatch):
    import runpy

    monkeypatch.delenv("GUNICORN_TIMEOUT", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    env = _production_env()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'dlcurriculum.settings');"
                "django.setup(); from django.conf import settings as s;"
                "o = s.DATABASES['default'].get('OPTIONS', {});"
                "print(s.REQUEST_TIMEOUT, o.get('connect_timeout'), o.get('options'))"
            ),
        ],
        cwd=ROOT,
        env={**env, "DATABASE_URL": "postgres://u@127.0.0.1:5432/db"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    request_timeout, connect_timeout, options = result.stdout.split(maxsplit=2)
    statement_seconds = int(options.strip().rsplit("=", 1)[1]) / 1000
    assert int(connect_timeout) < statement_seconds < float(request_timeout) < config["timeout"]
