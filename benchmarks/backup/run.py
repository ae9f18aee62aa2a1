"""How long a backup and a restore take, measured on a generated database, and extrapolated.

    .venv/bin/python benchmarks/backup/run.py                       # 10,000 learners, 64 KB notebooks
    .venv/bin/python benchmarks/backup/run.py --learners 20000 --notebook-bytes 262144

1. Creates a fresh PostgreSQL database (BENCH_DATABASE, default dlc_bench_backup), migrates, loads the
   curriculum and seeds learners with progress, activity and capstone submissions as the load test does
   (benchmarks/load/seed.py), every iteration with a notebook file of its own on the local disk.
2. Times `manage.py backup` into an empty directory, then `manage.py restore` into a second fresh database
   and an empty store, as an operator would.
3. Prints the sizes and times (Django's start-up, measured alone, is not scaled), and the same linearly
   scaled to 100,000 learners (pg_dump, pg_restore and the file copy are each close to linear in bytes;
   index rebuilds in pg_restore grow slightly faster).

Drops both databases and removes the files at the end. Environment: BENCH_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432), BENCH_DATABASE.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
DATABASE = os.environ.get("BENCH_DATABASE", "dlc_bench_backup")
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
TARGET_LEARNERS = 100_000


def _admin(sql: str) -> None:
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _manage(env: dict, *args: str) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)
    return time.monotonic() - started


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--notebook-bytes", type=int, default=64 * 1024)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dlc-bench-backup-"))
    restored = f"{DATABASE}_restored"
    base_env = {**os.environ, "DEBUG": "true", "DB_STATEMENT_TIMEOUT_MS": "0"}
    base_env.pop("S3_BUCKET", None)
    source_env = {**base_env, "DATABASE_URL": f"{POSTGRES_URL}/{DATABASE}", "MEDIA_ROOT": str(work / "media")}
    target_env = {**base_env, "DATABASE_URL": f"{POSTGRES_URL}/{restored}", "MEDIA_ROOT": str(work / "restored-media")}
    try:
        for name in (DATABASE, restored):
            _admin(f'DROP DATABASE IF EXISTS "{name}"')
        _admin(f'CREATE DATABASE "{DATABASE}"')
        _manage(source_env, "migrate", "--no-input", "-v0")
        _manage(source_env, "load_curriculum", "-v0")
        subprocess.run(
            [sys.executable, "benchmarks/backup/seed.py", str(options.learners), str(options.notebook_bytes)],
            cwd=ROOT,
            env=source_env,
            check=True,
        )
        # Django's start-up is the same at any size: measured alone, and not scaled.
        startup_seconds = _manage(source_env, "check")
        backup_seconds = _manage(source_env, "backup", str(work / "backup"))
        manifest = json.loads((work / "backup" / "manifest.json").read_text())
        _admin(f'CREATE DATABASE "{restored}"')
        (work / "restored-media").mkdir()
        restore_seconds = _manage(target_env, "restore", str(work / "backup"))
        with psycopg.connect(f"{POSTGRES_URL}/{DATABASE}") as conn:
            database_bytes = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        scale = TARGET_LEARNERS / options.learners
        files_bytes = sum(f["bytes"] for f in manifest["files"])
        figures = {
            "learners": options.learners,
            "database_bytes_on_disk": database_bytes,
            "dump_bytes": manifest["database"]["bytes"],
            "files": len(manifest["files"]),
            "files_bytes": files_bytes,
            "startup_seconds": round(startup_seconds, 1),
            "backup_seconds": round(backup_seconds, 1),
            "backup_database_seconds": manifest["timings"]["database_seconds"],
            "backup_files_seconds": manifest["timings"]["files_seconds"],
            "restore_seconds": round(restore_seconds, 1),
            "files_mb_per_second": round(files_bytes / 1e6 / max(manifest["timings"]["files_seconds"], 1e-3), 1),
            f"extrapolated_to_{TARGET_LEARNERS}": {
                "dump_bytes": int(manifest["database"]["bytes"] * scale),
                "files_bytes": int(files_bytes * scale),
                "backup_seconds": round(startup_seconds + (backup_seconds - startup_seconds) * scale),
                "restore_seconds": round(startup_seconds + (restore_seconds - startup_seconds) * scale),
            },
        }
        print(json.dumps(figures, indent=2))
        return 0
    finally:
        for name in (DATABASE, restored):
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
