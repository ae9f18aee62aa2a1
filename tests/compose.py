"""The compose file as docker-compose resolves it (offline: `docker-compose config` needs no engine)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose_services() -> dict:
    """Every service of docker-compose.yml, resolved; skips when docker-compose is missing (CI installs it)."""
    compose = shutil.which("docker-compose")
    if compose is None:
        pytest.skip("docker-compose is not installed (CI installs Debian's docker-compose package)")
    result = subprocess.run(
        [compose, "config"],
        cwd=ROOT,
        env={**os.environ, "SECRET_KEY": "x" * 60, "METRICS_TOKEN": "m" * 40, "GRAFANA_ADMIN_PASSWORD": "g" * 20},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]
