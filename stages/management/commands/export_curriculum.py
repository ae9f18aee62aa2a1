from pathlib import Path

from django.core.management.base import BaseCommand

from stages import curriculum as cur
from stages.curriculum_export import export_text


class Command(BaseCommand):
    help = (
        "Write the curriculum as it is in the database (admins' edits included) in the format load_curriculum "
        "reads: to review changes, keep them in version control, or move them to another installation."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="File to write; standard output when omitted.")
        layout = parser.add_mutually_exclusive_group()
        layout.add_argument(
            "--base",
            type=Path,
            default=cur.DEFAULT_PATH,
            help="Curriculum file to write the edits into, keeping its comments, order and quoting, so the "
            "export diffs as the edits (default: the shipped stages/data/curriculum.yaml).",
        )
        layout.add_argument("--fresh", action="store_true", help="Write a new file in the default layout instead.")

    def handle(self, *args, **options):
        text = export_text(base=None if options["fresh"] else options["base"])
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
            self.stderr.write(self.style.SUCCESS(f"Curriculum written to {options['output']}."))
        else:
            self.stdout.write(text, ending="")
