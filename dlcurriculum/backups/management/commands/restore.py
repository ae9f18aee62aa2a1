"""``manage.py restore DIRECTORY``: a backup into an empty database and store (backups/archive.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dlcurriculum.backups.archive import BackupError, restore, verify


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the empty database named by DATABASE_URL and the "
        "configured file store. Every checksum is checked first; nothing is changed when one does not match."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="The backup's directory (the one with manifest.json).")
        parser.add_argument("--verify-only", action="store_true", help="Check the checksums, restore nothing.")

    def handle(self, *args, directory, verify_only=False, **options):
        try:
            manifest = verify(Path(directory)) if verify_only else restore(Path(directory))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        done = "verified" if verify_only else "restored"
        self.stdout.write(
            f"Backup of {manifest['created_at']} {done}: the {manifest['database']['engine']} database and "
            f"{len(manifest['files'])} files."
        )
