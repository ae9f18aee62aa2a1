import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from capstones import notebooks


class Command(BaseCommand):
    help = "Check a Jupyter notebook against the capstone rules, as the automatic pre-review does."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .ipynb file.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
        parser.add_argument(
            "--forbidden",
            default=",".join(sorted(notebooks.DEFAULT_FORBIDDEN)),
            help="Comma-separated import names that are forbidden (default: %(default)s).",
        )
        parser.add_argument(
            "--allowed",
            default=",".join(sorted(notebooks.DEFAULT_ALLOWED)),
            help="Comma-separated import names of allowed frameworks (default: %(default)s).",
        )

    def handle(self, *args, path, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            notebook = notebooks.load_notebook(file.read_bytes(), max_bytes=settings.CAPSTONE_MAX_NOTEBOOK_BYTES)
        except notebooks.NotebookError as exc:
            raise CommandError(str(exc)) from None
        analysis = notebooks.analyse(
            notebook,
            forbidden={m.strip() for m in options["forbidden"].split(",") if m.strip()},
            allowed={m.strip() for m in options["allowed"].split(",") if m.strip()},
        )
        if options["json"]:
            self.stdout.write(json.dumps(analysis.to_dict(), indent=2))
            return
        a = analysis
        self.stdout.write(f"Verdict: {a.verdict_label}")
        self.stdout.write(f"Frameworks: {', '.join(a.frameworks) or 'none found'}")
        self.stdout.write(f"Cells: {a.cells} ({a.code_cells} code, {a.markdown_cells} markdown, {a.raw_cells} raw)")
        self.stdout.write(f"Prose: {a.markdown_words} words, {a.words_per_code_cell} per code cell")
        self.stdout.write(f"Executed: {a.executed_code_cells} of {a.code_cells} code cells")
        for finding in a.violations:
            self.stdout.write(f"FORBIDDEN {finding.describe()}")
        for note in notebooks.notes_besides_violations(a.notes):
            self.stdout.write(f"- {note}")
