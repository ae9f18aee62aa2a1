"""The layering rules (pyproject.toml, [tool.importlinter]) hold: `make test` enforces them."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_linter_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_django_start_up_leaves_the_notebook_analysis_and_markdown_renderer_unloaded():
    # Every process (web, workers, each management command, `check_links` among them) pays
    # for what the apps and the admin's autodiscovery import; these load on first use.
    heavy = ["capstones.notebooks.analysis", "nbformat", "jsonschema", "dlcurriculum.markdown", "markdown_it"]
    code = f"import sys, django; django.setup(); print(','.join(m for m in {heavy!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "dlcurriculum.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip() == ""
