"""One command line for the link checker: `python -m stages.linkhealth.checker` and `manage.py check_links` share it."""

import argparse
import json

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import CommandParser

from stages.linkhealth import cli as linkcheck_cli
from stages.linkhealth import services as link_services
from stages.linkhealth.checker import CheckerConfig
from stages.management.commands.check_links import Command


def option_strings(parser) -> set[str]:
    return {s for action in parser._actions for s in action.option_strings}


def test_bare_command_offers_every_option_of_manage_py():
    bare = argparse.ArgumentParser()
    linkcheck_cli.add_arguments(bare)
    django = CommandParser()
    Command().add_arguments(django)
    assert option_strings(django) <= option_strings(bare)


def test_bare_command_prints_one_json_object_per_url(web, tmp_path, capsys):
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{web.url('/ok')}\n# skipped\n{web.url('/not-found')}\n")
    assert (
        linkcheck_cli.main(["--url-file", str(urls), "--json", "--allow-private-addresses", "--per-host-interval", "0"])
        == 0
    )
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["url"], r["status"]) for r in rows] == [(web.url("/ok"), "ok"), (web.url("/not-found"), "broken")]


def test_bare_command_refuses_private_addresses_unless_allowed(web, tmp_path, capsys):
    urls = tmp_path / "urls.txt"
    urls.write_text(web.url("/ok") + "\n")
    linkcheck_cli.main(["--url-file", str(urls), "--json"])
    assert json.loads(capsys.readouterr().out)["status"] == "invalid"


def test_bare_command_rejects_a_zero_concurrency_with_a_clear_message(tmp_path, capsys):
    with pytest.raises(SystemExit):
        linkcheck_cli.main(["--url-file", str(tmp_path / "x"), "--concurrency", "0"])
    assert "--concurrency: must be at least 1" in capsys.readouterr().err


def test_manage_py_rejects_a_zero_per_host_limit_with_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match="--per-host: must be at least 1"):
        call_command("check_links", "--url-file", str(tmp_path / "x"), "--per-host", "0")


def test_unset_settings_leave_the_checkers_own_politeness_defaults(settings):
    settings.LINKCHECK_CONCURRENCY = None
    settings.LINKCHECK_PER_HOST_INTERVAL = None
    config = link_services.checker_config()
    assert (config.concurrency, config.per_host_interval) == (
        CheckerConfig.concurrency,
        CheckerConfig.per_host_interval,
    )


def test_settings_override_the_defaults_and_flags_override_settings(settings):
    settings.LINKCHECK_CONCURRENCY = 7
    settings.LINKCHECK_PER_HOST_CONCURRENCY = 3
    config = linkcheck_cli.config_from_options({"per_host": 5}, link_services.checker_config())
    assert (config.concurrency, config.per_host_concurrency) == (7, 5)


def test_head_first_flag_reaches_the_checker():
    assert linkcheck_cli.config_from_options({"head_first": True}).head_first is True
