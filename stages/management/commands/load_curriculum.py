from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from stages import curriculum, history
from stages.services import load_curriculum


class Command(BaseCommand):
    help = (
        "Load the curriculum file into the database. Idempotent: creates what is missing and "
        "leaves admins' edits (and deletions) alone unless --update is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=curriculum.DEFAULT_PATH, help="YAML file to load.")
        parser.add_argument(
            "--update", action="store_true", help="Overwrite edited rows and recreate deleted ones from the file."
        )

    def handle(self, *args, **options):
        try:
            data = curriculum.read(options["file"])
        except curriculum.CurriculumError as exc:
            raise CommandError(f"{options['file']}: {exc}. Nothing was changed.") from exc
        report = load_curriculum(data, update=options["update"])
        # Content that predates its history (or was made outside the admin) gets a first version, so that
        # its first edit in the admin can be reverted.
        for model in history.VERSIONED:
            call_command("createinitialrevisions", model._meta.label, comment="First recorded state.", verbosity=0)
        for line in report.lines():
            self.stdout.write(f"  {line}")
        verdict = "Curriculum loaded." if report.changed() else "Curriculum already up to date; nothing changed."
        self.stdout.write(self.style.SUCCESS(verdict))
