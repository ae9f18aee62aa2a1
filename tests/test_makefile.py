"""`make` picks a supported Python (3.11 to 3.13) on PATH, or says which versions it needs."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(MAKE is None, reason="make is not installed")


def fake_pythons(directory: Path, **supported: bool) -> None:
    """Stand-ins that pass or fail the Makefile's version check, like a real one or a broken pyenv shim."""
    for name, ok in supported.items():
        path = directory / name.replace("_", ".")
        path.write_text(f"#!/bin/sh\nexit {0 if ok else 1}\n")
        path.chmod(0o755)


def make_install(directory: Path, *arguments: str, dry_run: bool = True) -> subprocess.CompletedProcess:
    command = [MAKE, "-f", str(ROOT / "Makefile"), "install", f"VENV={directory / 'venv'}", *arguments]
    if dry_run:
        command.insert(1, "-n")
    # PATH holds only the stand-ins: the Makefile's shell loop needs nothing else.
    return subprocess.run(
        command,
        cwd=ROOT,
        env={"PATH": str(directory)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_newest_supported_python_on_path_is_taken(tmp_path):
    fake_pythons(tmp_path, python3_13=False, python3_12=True, python3_11=True)
    assert "python3.12 -m venv" in make_install(tmp_path).stdout


def test_python3_is_taken_when_it_is_a_supported_version(tmp_path):
    fake_pythons(tmp_path, python3=True)
    assert "python3 -m venv" in make_install(tmp_path).stdout


def test_python_named_on_the_command_line_wins(tmp_path):
    fake_pythons(tmp_path, python3_13=True, python3_11=True)
    assert "python3.11 -m venv" in make_install(tmp_path, "PYTHON=python3.11").stdout


def test_without_a_supported_python_make_names_the_versions_it_needs(tmp_path):
    fake_pythons(tmp_path, python3=False)
    result = make_install(tmp_path, dry_run=False)
    assert result.returncode != 0
    assert "needs Python 3.11, 3.12 or 3.13" in result.stderr
    assert not (tmp_path / "venv").exists()


def make_run_dry(directory: Path, *arguments: str) -> str:
    """The commands `make run` would execute (-n: nothing is run, no server starts)."""
    fake_pythons(directory, python3=True)
    command = [MAKE, "-n", "-f", str(ROOT / "Makefile"), "run", f"VENV={directory / 'venv'}", *arguments]
    result = subprocess.run(
        command, cwd=ROOT, env={"PATH": str(directory)}, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_serves_on_port_8000_by_default(tmp_path):
    out = make_run_dry(tmp_path)
    assert "manage.py runserver 127.0.0.1:8000\n" in out
    # Opened as localhost: browsers refuse security keys (WebAuthn) on an IP address.
    assert "http://localhost:8000" in out


def test_make_run_serves_on_the_port_given(tmp_path):
    out = make_run_dry(tmp_path, "PORT=8123")
    runserver = next(line for line in out.splitlines() if "runserver" in line)
    assert runserver.endswith("manage.py runserver 127.0.0.1:8123")
    # Links in e-mails (SITE_URL) follow the port unless SITE_URL is set.
    assert 'SITE_URL="${SITE_URL:-http://localhost:8123}"' in runserver
    assert "8000" not in out


def test_the_readme_shows_how_to_choose_the_port():
    two_commands = (ROOT / "README.md").read_text().split("## Two commands", 1)[1].split("\n## ", 1)[0]
    assert "make run PORT=8123" in two_commands
