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


def test_loading_the_url_conf_leaves_nbformat_unloaded():
    # The first reverse() loads every view; the e-mail and link-check workers reverse URLs for
    # their messages and never read a notebook, and importing nbformat (with its jsonschema) takes
    # over a second: it loads when a notebook is first read.
    heavy = ["nbformat", "jsonschema", "nbdime", "nbconvert"]
    code = (
        "import sys, django; django.setup(); from django.urls import reverse; reverse('progress:pace'); "
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))"
    )
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


def test_reading_a_notebook_loads_nbformat_on_first_use():
    code = (
        "import sys; from capstones.notebooks import load_notebook; before = 'nbformat' in sys.modules; "
        'load_notebook(b\'{"cells": [{"cell_type": "markdown", "metadata": {}, "source": "Hi"}], '
        '"metadata": {}, "nbformat": 4, "nbformat_minor": 4}\'); '
        "print(before, 'nbformat' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.split() == ["False", "True"]
