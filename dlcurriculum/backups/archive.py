"""A backup is a directory: the database dump, a copy of the file store, and a manifest of checksums.

    <backup>/manifest.json       what is in it: engine, sizes, SHA-256 of every file, timings
    <backup>/database.dump       PostgreSQL: pg_dump's custom format (one consistent snapshot)
    <backup>/database.sqlite3    SQLite: a copy made with SQLite's online backup API
    <backup>/files/<name>        every file of the default storage (notebooks; local disk or S3 alike)

The database is dumped first, then the files are copied: every file a dumped row names already existed
when the dump began (files are written before their rows and never overwritten), so it is in the copy
unless it was deleted meanwhile, which the manifest then lists under ``missing_files``.

Restoring checks every checksum before it touches anything, and restores only into an empty database
and a store without conflicting files: a restore never mixes two sites' data.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connections, models

MANIFEST = "manifest.json"
FORMAT_VERSION = 1
FILES_DIR = "files"
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Timings:
    database_seconds: float = 0.0
    files_seconds: float = 0.0


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- The database --------------------------------------------------------------------------------------


def _vendor(using: str) -> str:
    return connections[using].vendor


def _pg_command(program: str, using: str) -> tuple[list[str], dict]:
    s = connections[using].settings_dict
    args = [program, "--no-owner", "--no-privileges"]
    if s.get("HOST"):
        args += ["--host", s["HOST"]]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", s["USER"]]
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]  # never on the command line, where `ps` shows it
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed (Debian: the postgresql-client package).")
    return args, env


def _run(args: list[str], env: dict, what: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")


def dump_database(target: Path, using: str = "default") -> str:
    """Write the database to ``target`` (one consistent snapshot); return the file's name within the backup."""
    vendor = _vendor(using)
    if vendor == "postgresql":
        path = target / "database.dump"
        args, env = _pg_command("pg_dump", using)
        _run([*args, "--format=custom", "--file", str(path), connections[using].settings_dict["NAME"]], env, "pg_dump")
        return path.name
    if vendor == "sqlite":
        path = target / "database.sqlite3"
        source = sqlite3.connect(connections[using].settings_dict["NAME"])
        copy = sqlite3.connect(path)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return path.name
    raise BackupError(f"Backing up a {vendor} database is not supported (PostgreSQL and SQLite are).")


def _database_is_empty(using: str) -> bool:
    with connections[using].cursor() as cursor:
        return not connections[using].introspection.table_names(cursor)


def restore_database(dump: Path, engine: str, using: str = "default") -> None:
    vendor = _vendor(using)
    if vendor != engine:
        raise BackupError(f"This backup is of a {engine} database; DATABASE_URL names a {vendor} one.")
    if not _database_is_empty(using):
        raise BackupError(
            "The database named by DATABASE_URL already has tables: restore into a new, empty database "
            "(createdb), then point DATABASE_URL at it."
        )
    connections[using].close()
    if vendor == "postgresql":
        args, env = _pg_command("pg_restore", using)
        name = connections[using].settings_dict["NAME"]
        _run([*args, "--exit-on-error", "--single-transaction", "--dbname", name, str(dump)], env, "pg_restore")
        return
    source = sqlite3.connect(dump)
    target = sqlite3.connect(connections[using].settings_dict["NAME"])
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


# --- The file store ------------------------------------------------------------------------------------


def stored_names(storage: Storage, directory: str = "") -> list[str]:
    """Every file in ``storage``, by name (the storage API lists local disk and S3 alike)."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return []
    names = [f"{directory}/{name}" if directory else name for name in files]
    for sub in directories:
        names += stored_names(storage, f"{directory}/{sub}" if directory else sub)
    return sorted(names)


def _inside(root: Path, name: str) -> Path:
    """The path of a stored file's copy; a name that would leave the backup's files/ is refused."""
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BackupError(f"Refusing the file name {name!r} in the manifest: it leaves the backup directory.")
    return root.joinpath(*relative.parts)


def copy_files(storage: Storage, target: Path) -> list[dict]:
    entries = []
    for name in stored_names(storage):
        path = _inside(target, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        with storage.open(name, "rb") as source, path.open("wb") as copy:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                copy.write(chunk)
                size += len(chunk)
        entries.append({"name": name, "bytes": size, "sha256": digest.hexdigest()})
    return entries


def referenced_files() -> set[str]:
    """Every file a FileField of any model names (the rows the dump holds point at these)."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names.update(
                    n
                    for n in model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True)
                    if n
                )
    return names


# --- Backup and restore --------------------------------------------------------------------------------


def backup(target: Path, *, storage: Storage | None = None, using: str = "default") -> dict:
    """Write a backup into ``target`` (a new or empty directory) and return its manifest."""
    storage = storage or default_storage
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: each backup goes into a directory of its own.")
    target.mkdir(parents=True, exist_ok=True)
    timings = Timings()
    started = time.perf_counter()
    created_at = datetime.now(UTC)
    database_file = dump_database(target, using)
    timings.database_seconds = time.perf_counter() - started
    started = time.perf_counter()
    files = copy_files(storage, target / FILES_DIR)
    timings.files_seconds = time.perf_counter() - started
    copied = {entry["name"] for entry in files}
    manifest = {
        "format_version": FORMAT_VERSION,
        "created_at": created_at.isoformat(),
        "database": {
            "engine": _vendor(using),
            "file": database_file,
            "bytes": (target / database_file).stat().st_size,
            "sha256": _sha256(target / database_file),
        },
        "files": files,
        "missing_files": sorted(referenced_files() - copied),
        "timings": {
            "database_seconds": round(timings.database_seconds, 3),
            "files_seconds": round(timings.files_seconds, 3),
        },
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def read_manifest(source: Path) -> dict:
    path = Path(source) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} has no {MANIFEST}: it is not a backup made by `manage.py backup`.")
    try:
        manifest = json.loads(path.read_text())
    except ValueError as exc:
        raise BackupError(f"{path} is not valid JSON ({exc}): the backup is damaged.") from exc
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path} has format {manifest.get('format_version')!r}; this version reads {FORMAT_VERSION}.")
    return manifest


def verify(source: Path) -> dict:
    """The manifest, once every file's size and checksum match it; else BackupError naming each damaged file."""
    source = Path(source)
    manifest = read_manifest(source)
    problems = []
    database = manifest["database"]
    expected = [(source / database["file"], database["sha256"], database["bytes"], database["file"])]
    expected += [
        (_inside(source / FILES_DIR, e["name"]), e["sha256"], e["bytes"], e["name"]) for e in manifest["files"]
    ]
    for path, sha256, size, name in expected:
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif path.stat().st_size != size or _sha256(path) != sha256:
            problems.append(f"{name}: checksum does not match the manifest")
    if problems:
        raise BackupError("The backup is damaged, nothing was restored:\n  " + "\n  ".join(problems))
    return manifest


def restore(source: Path, *, storage: Storage | None = None, using: str = "default") -> dict:
    """Restore a verified backup into the empty database named by DATABASE_URL and the configured store."""
    storage = storage or default_storage
    source = Path(source)
    manifest = verify(source)
    conflicts = [
        e["name"]
        for e in manifest["files"]
        if storage.exists(e["name"]) and _stored_sha256(storage, e["name"]) != e["sha256"]
    ]
    if conflicts:
        raise BackupError(
            "The file store already holds different files under these names; nothing was restored:\n  "
            + "\n  ".join(conflicts[:20])
        )
    restore_database(source / manifest["database"]["file"], manifest["database"]["engine"], using)
    for entry in manifest["files"]:
        if storage.exists(entry["name"]):
            continue  # the same file (checked above): a restore run again after an interruption
        with _inside(source / FILES_DIR, entry["name"]).open("rb") as f:
            saved = storage.save(entry["name"], File(f))
        if saved != entry["name"]:
            raise BackupError(f"The store saved {entry['name']} as {saved}: restore into an empty store.")
    return manifest


def _stored_sha256(storage: Storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
