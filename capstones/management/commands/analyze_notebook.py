import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from capstones import notebooks
from capstones.frameworks import curriculum_rules, known_families


def _modules(text: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if text is None:
        return default
    return tuple(m.strip() for m in text.split(",") if m.strip())


class Command(BaseCommand):
    help = "Check a Jupyter notebook against the capstone rules, as the automatic pre-review does."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .ipynb file.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
        parser.add_argument(
            "--forbidden",
            default=None,
            help="Comma-separated import names that are forbidden (default: the curriculum's capstone rules).",
        )
        parser.add_argument(
            "--allowed",
            default=None,
            help="Comma-separated import names of allowed frameworks (default: the curriculum's capstone rules).",
        )

    def handle(self, *args, path, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        limit = settings.CAPSTONE_MAX_NOTEBOOK_BYTES
        if file.stat().st_size > limit:
            # Checked before reading, so a huge file is never read into memory.
            raise CommandError(notebooks.too_large_message(file.stat().st_size, limit))
        forbidden, allowed = curriculum_rules()
        try:
            notebook = notebooks.load_notebook(file.read_bytes(), max_bytes=limit)
            analysis = notebooks.analyse(
                notebook,
                forbidden=_modules(options["forbidden"], forbidden),
                allowed=_modules(options["allowed"], allowed),
                known=known_families(),
            )
        except notebooks.NotebookError as exc:
            raise CommandError(str(exc)) from None
        except (RecursionError, MemoryError) as exc:
            raise CommandError(f"The notebook could not be checked automatically ({type(exc).__name__}).") from None
        if options["json"]:
            self.stdout.write(json.dumps(analysis.to_dict(), indent=2))
            return
        self._print(analysis)

    def _print(self, a):
        self.stdout.write(f"Verdict: {a.verdict_label}")
        self.stdout.write(f"Frameworks: {', '.join(a.frameworks) or 'none found'}")
        self.stdout.write(f"Cells: {a.cells} ({a.code_cells} code, {a.markdown_cells} markdown, {a.raw_cells} raw)")
        self.stdout.write(f"Prose: {a.markdown_words} words, {a.words_per_code_cell} per code cell")
        executed = next((rule.detail for rule in a.rules if rule.rule == "executed" and rule.detail), "")
        self.stdout.write(f"Executed: {executed or f'{a.executed_code_cells} of {a.code_cells} code cells'}")
        self.stdout.write("Rules checked:")
        for rule in a.rules:
            detail = f" ({rule.detail})" if rule.detail else ""
            self.stdout.write(f"  [{rule.status_label}] {rule.label}{detail}")
        for library in a.libraries:
            self.stdout.write(f"FORBIDDEN {library.name}: used in {library.cells} cells ({library.uses} places)")
            for place in library.places:
                self.stdout.write(f"  cell {place.cell}, line {place.line} ({place.how}): {place.code}")
            if library.instead:
                self.stdout.write(f"  Instead: {library.instead}")
        for note in notebooks.notes_besides_violations(a.notes):
            self.stdout.write(f"- {note}")
