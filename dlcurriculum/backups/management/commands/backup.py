"""``manage.py backup [DIRECTORY]``: the database and the notebook store, with a manifest (backups/archive.py)."""

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dlcurriculum.backups.archive import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup (database dump, every stored file, manifest of checksums) into a new directory."

    def add_arguments(self, parser):
        parser.add_argument(
            "directory",
            nargs="?",
            help="A new or empty directory (default: BACKUP_DIR/<UTC time>, e.g. backups/20261207T031500Z).",
        )

    def handle(self, *args, directory=None, **options):
        target = Path(directory or Path(settings.BACKUP_DIR) / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"))
        try:
            manifest = backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        files = manifest["files"]
        timings = manifest["timings"]
        self.stdout.write(
            f"Backup in {target}: database {manifest['database']['bytes']:,} bytes "
            f"({timings['database_seconds']} s), {len(files)} files, {sum(f['bytes'] for f in files):,} bytes "
            f"({timings['files_seconds']} s)."
        )
        if manifest["missing_files"]:
            self.stderr.write(
                f"{len(manifest['missing_files'])} files named by the database were not in the store "
                f"(deleted during the backup, or lost before it): see missing_files in {target / 'manifest.json'}."
            )
