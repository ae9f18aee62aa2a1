"""The compose stack runs Prometheus, scraping web and every worker service with the metrics token."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.compose import compose_services

ROOT = Path(__file__).resolve().parents[2]


def _config() -> dict:
    return yaml.safe_load((ROOT / "ops" / "prometheus.yml").read_text())


def test_prometheus_runs_with_the_config_file_and_the_token_as_a_file():
    services = compose_services()
    prometheus = services["prometheus"]
    assert any(str(v).endswith(":/etc/prometheus/prometheus.yml:ro") for v in prometheus["volumes"])
    assert prometheus["environment"]["METRICS_TOKEN"] == services["web"]["environment"]["METRICS_TOKEN"]
    assert "/prometheus/metrics-token" in str(prometheus["command"])
    for job in _config()["scrape_configs"]:
        assert job["authorization"]["credentials_file"] == "/prometheus/metrics-token"


def test_every_web_and_worker_service_is_a_scrape_target_on_its_metrics_port():
    services = compose_services()
    targets = {
        (name, sd["port"])
        for job in _config()["scrape_configs"]
        for sd in job["dns_sd_configs"]
        for name in sd["names"]
    }
    workers = [name for name, s in services.items() if " worker " in str(s.get("command", ""))]
    assert workers
    for name in workers:
        assert (name, int(services[name]["environment"]["WORKER_METRICS_PORT"])) in targets
    assert ("web", 8000) in targets
    assert {name for name, _ in targets} <= set(services)
