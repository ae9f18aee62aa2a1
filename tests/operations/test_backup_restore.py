"""A backup of a seeded site, restored by `manage.py restore` into an empty database and an empty store.

The restore runs as an operator runs it: another process, its DATABASE_URL naming a database just created
(PostgreSQL when the suite runs on it, else an SQLite file) and its MEDIA_ROOT an empty directory. Then every
table is compared row by row and every file byte by byte.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from capstones.models import CapstoneBrief, Iteration, Submission
from progress import services as progress_services
from progress.models import ResourceProgress
from stages.models import Resource
from tests import factories
from tests.submitting import submit_capstone
from tests.test_shared_storage import BUCKET

ROOT = Path(__file__).resolve().parents[2]
LEARNERS = 4


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _seed() -> None:
    """Learners with progress and notes, and capstone submissions with their notebooks in the store."""
    brief = CapstoneBrief.objects.filter(ideas__isnull=False).order_by("pk").first()
    resources = list(Resource.objects.order_by("pk")[:6])
    for n in range(LEARNERS):
        learner = factories.UserFactory()
        for resource in resources[: n + 2]:
            progress_services.set_status(learner, resource, "done")
        progress_services.save_note(learner, resources[0], f"Learner {n}'s note: gradients, finally.")
        submit_capstone(learner, brief, title=f"Digits {n}")
    assert ResourceProgress.objects.count() >= LEARNERS * 2
    assert Iteration.objects.count() == LEARNERS


@pytest.fixture
def seeded_site(transactional_db, curriculum, media, tasks_in_process):
    _seed()
    return media


def _empty_target(tmp_path) -> tuple[str, dict]:
    """A new, empty database like the test's (PostgreSQL or SQLite): its URL, and how to open it."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        import psycopg

        name = f"{s['NAME']}_restore_{uuid.uuid4().hex[:8]}"
        params = {"host": s["HOST"] or "127.0.0.1", "port": s["PORT"] or 5432, "user": s["USER"]}
        if s.get("PASSWORD"):
            params["password"] = s["PASSWORD"]
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
        url = f"postgres://{s['USER']}{password}@{params['host']}:{params['port']}/{name}"
        return url, {"vendor": "postgresql", "dbname": name, **params}
    path = tmp_path / "restored.sqlite3"
    return f"sqlite:///{path}", {"vendor": "sqlite", "path": str(path)}


def _source() -> dict:
    """The test's own database, opened as the restored one is (a plain driver connection, no Django types)."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        params = {"host": s["HOST"] or "127.0.0.1", "port": s["PORT"] or 5432, "user": s["USER"], "dbname": s["NAME"]}
        if s.get("PASSWORD"):
            params["password"] = s["PASSWORD"]
        return {"vendor": "postgresql", **params}
    return {"vendor": "sqlite", "path": s["NAME"]}


def _drop(target: dict) -> None:
    if target["vendor"] == "postgresql":
        import psycopg

        params = {k: v for k, v in target.items() if k not in ("vendor", "dbname")}
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target["dbname"]}" WITH (FORCE)')


def _open(target: dict):
    if target["vendor"] == "postgresql":
        import psycopg

        params = {k: v for k, v in target.items() if k != "vendor"}
        return psycopg.connect(**params)
    return sqlite3.connect(target["path"])


def _rows(cursor, table: str) -> list[tuple]:
    cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the schema
    return sorted(cursor.fetchall(), key=repr)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _restore(backup: Path, database_url: str, media_root: Path, **store_env: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root), "DEBUG": "true"}
    env.pop("S3_BUCKET", None)
    env.update(store_env)
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def empty_target(tmp_path):
    url, target = _empty_target(tmp_path)
    yield url, target
    _drop(target)


def test_a_restored_backup_has_every_row_and_every_notebook(seeded_site, tmp_path, empty_target):
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["missing_files"] == []
    assert {f["name"] for f in manifest["files"]} >= set(Iteration.objects.values_list("notebook", flat=True))

    url, target = empty_target
    restored_media = tmp_path / "restored-media"
    restored_media.mkdir()
    result = _restore(backup, url, restored_media)
    assert result.returncode == 0, result.stderr
    assert "restored" in result.stdout

    _assert_same_rows(target)
    original = _files(seeded_site)
    assert original
    assert _files(restored_media) == original


def _assert_same_rows(target: dict) -> None:
    tables = connection.introspection.table_names()
    compared = {}
    with _open(_source()) as original, _open(target) as restored:
        source, theirs = original.cursor(), restored.cursor()
        for table in tables:
            mine = _rows(source, table)
            assert _rows(theirs, table) == mine, table
            compared[table] = len(mine)
    for model in (ResourceProgress, Submission, Iteration, factories.UserFactory._meta.model):
        assert compared[model._meta.db_table] == model.objects.count() > 0


def _objects(client, bucket: str) -> dict[str, bytes]:
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def test_a_backup_of_an_s3_store_restores_into_an_empty_bucket(
    transactional_db, curriculum, s3_server, s3_storage, tasks_in_process, tmp_path, empty_target
):
    endpoint, client = s3_server
    _seed()
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    restored_bucket = f"restored-{uuid.uuid4().hex[:8]}"
    client.create_bucket(Bucket=restored_bucket)
    url, target = empty_target
    store = {"S3_BUCKET": restored_bucket, "S3_ENDPOINT_URL": endpoint, "S3_REGION": "us-east-1"}
    store |= {"S3_ACCESS_KEY_ID": "test", "S3_SECRET_ACCESS_KEY": "test"}
    result = _restore(backup, url, tmp_path / "unused-media", **store)
    assert result.returncode == 0, result.stderr
    _assert_same_rows(target)
    original = _objects(client, BUCKET)
    assert set(Iteration.objects.values_list("notebook", flat=True)) <= set(original)
    assert _objects(client, restored_bucket) == original


def test_a_damaged_backup_is_refused_before_anything_is_restored(seeded_site, tmp_path, empty_target):
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    notebook = next((backup / "files").rglob("*.ipynb"))
    notebook.write_bytes(notebook.read_bytes()[:-1] + b" ")
    url, target = empty_target
    restored_media = tmp_path / "restored-media"
    restored_media.mkdir()
    result = _restore(backup, url, restored_media)
    assert result.returncode != 0
    assert "damaged" in result.stderr
    assert notebook.name in result.stderr
    with _open(target) as restored:
        cursor = restored.cursor()
        if target["vendor"] == "postgresql":
            cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        assert cursor.fetchone()[0] == 0
    assert not any(restored_media.iterdir())


def test_a_restore_into_a_database_that_has_data_is_refused(seeded_site, tmp_path):
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    with pytest.raises(CommandError, match="already has tables"):
        call_command("restore", str(backup))


def test_a_backup_never_writes_into_a_directory_that_has_something(seeded_site, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "other").write_text("x")
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", str(tmp_path / "backup"))
