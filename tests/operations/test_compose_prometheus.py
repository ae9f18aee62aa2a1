"""The compose stack runs Prometheus, scraping web and every worker service with the metrics token."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.compose import compose_services

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "dlcurriculum" / "observability" / "monitoring"


def _config() -> dict:
    return yaml.safe_load((MONITORING / "prometheus.yml").read_text())


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


def test_grafana_is_provisioned_with_prometheus_and_a_dashboard_of_every_family():
    import json
    import re

    from .test_metrics_scraped import WEB_FAMILIES, WORKER_FAMILIES

    grafana = compose_services()["grafana"]
    mounts = {str(v).split(":")[1] for v in grafana["volumes"] if str(v).startswith(str(ROOT))}
    assert mounts == {"/etc/grafana/provisioning", "/var/lib/grafana/dashboards"}
    source = yaml.safe_load((MONITORING / "grafana/provisioning/datasources/prometheus.yml").read_text())
    assert source["datasources"][0]["url"] == "http://prometheus:9090"
    provider = yaml.safe_load((MONITORING / "grafana/provisioning/dashboards/dlcurriculum.yml").read_text())
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"

    dashboard = json.loads((MONITORING / "grafana/dashboards/operations.json").read_text())
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    used = {name for expr in exprs for name in re.findall(r"dlcurriculum_[a-z_]+", expr)}
    families = WEB_FAMILIES | WORKER_FAMILIES | {"dlcurriculum_job_retries"}
    samples = {family + suffix for family in families for suffix in ("", "_total", "_bucket", "_sum", "_count")}
    assert used <= samples, used - samples  # no panel asks for a series the app does not export
    shown = {family for family in families if any(name.startswith(family) for name in used)}
    assert shown == families, families - shown  # and every family is on the dashboard
    assert all(panel["datasource"]["uid"] == source["datasources"][0]["uid"] for panel in dashboard["panels"])
