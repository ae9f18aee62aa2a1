"""One command line for the link checker: `python -m stages.linkhealth.checker` and `manage.py check_links` share it."""

import argparse
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.core.management.base import CommandParser

from stages.linkhealth import cli as linkcheck_cli
from stages.linkhealth import services as link_services
from stages.linkhealth.checker import CheckerConfig
from stages.management.commands.check_links import Command

from .link_servers import PAGE_DATE


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


# --- --history: a repeat run learns from an earlier run's --json output ----------------------


def bare(*args) -> list[str]:
    return ["--allow-private-addresses", "--per-host-interval", "0", "--no-progress", *args]


def test_json_rows_carry_what_a_repeat_run_needs(web, tmp_path, capsys):
    urls = tmp_path / "urls.txt"
    urls.write_text(web.url("/tagged/cli-a") + "\n")
    linkcheck_cli.main(bare("--url-file", str(urls), "--json"))
    row = json.loads(capsys.readouterr().out)
    assert (row["etag"], row["last_modified"], row["not_modified"]) == ('"v0"', "", False)
    assert isinstance(row["elapsed"], float)
    assert row["elapsed"] > 0


def test_bare_command_with_history_asks_conditionally_and_goes_slowest_first(web, tmp_path, capsys):
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{web.url('/tagged/cli-b')}\n{web.url('/slow?s=0.2&n=cli')}\n")
    one_at_a_time = ["--concurrency", "1", "--per-host", "1"]
    linkcheck_cli.main(bare("--url-file", str(urls), "--json", *one_at_a_time))
    history = tmp_path / "last-run.jsonl"
    history.write_text(capsys.readouterr().out)
    web.reset()
    linkcheck_cli.main(bare("--url-file", str(urls), "--json", "--history", str(history), *one_at_a_time))
    rows = {r["url"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    tagged = rows[web.url("/tagged/cli-b")]
    assert (tagged["status"], tagged["http_status"], tagged["not_modified"]) == ("ok", 304, True)
    # The slow page (it sleeps 0.2 s) took longer last time: it goes first now.
    assert [r.path for r in web.state.requests] == ["/slow?s=0.2&n=cli", "/tagged/cli-b"]


def test_the_table_counts_the_answers_not_modified(web, tmp_path, capsys):
    urls = tmp_path / "urls.txt"
    urls.write_text(web.url("/dated") + "\n")
    history = tmp_path / "last-run.jsonl"
    history.write_text(json.dumps({"url": web.url("/dated"), "last_modified": PAGE_DATE, "elapsed": 0.01}) + "\n")
    linkcheck_cli.main(bare("--url-file", str(urls), "--history", str(history)))
    assert "1 answered not modified" in capsys.readouterr().out


def test_an_older_runs_history_without_validators_still_orders_the_run(web, tmp_path, capsys):
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{web.url('/ok?n=old-1')}\n{web.url('/ok?n=old-2')}\n")
    history = tmp_path / "old.jsonl"
    history.write_text(
        json.dumps({"url": web.url("/ok?n=old-1"), "elapsed": 0.01})
        + "\n\n"
        + json.dumps({"url": web.url("/ok?n=old-2"), "elapsed": "slow"})  # unusable: unknown, so first
        + "\n"
    )
    linkcheck_cli.main(bare("--url-file", str(urls), "--json", "--history", str(history), "--concurrency", "1"))
    capsys.readouterr()
    assert [r.path for r in web.state.requests] == ["/ok?n=old-2", "/ok?n=old-1"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json\n", "line 1 is not JSON"),
        ('{"url": "https://a.example/"}\n[1, 2]\n', "line 2 is not a result with a url"),
        ('{"status": "ok"}\n', "line 1 is not a result with a url"),
    ],
)
def test_a_history_file_that_is_not_json_output_is_refused_with_the_line(tmp_path, capsys, content, message):
    urls = tmp_path / "urls.txt"
    urls.write_text("https://a.example/\n")
    history = tmp_path / "history.jsonl"
    history.write_text(content)
    with pytest.raises(SystemExit):
        linkcheck_cli.main(bare("--url-file", str(urls), "--history", str(history)))
    assert message in capsys.readouterr().err


def test_a_missing_history_file_is_a_clear_error(tmp_path, capsys):
    urls = tmp_path / "urls.txt"
    urls.write_text("https://a.example/\n")
    with pytest.raises(SystemExit):
        linkcheck_cli.main(bare("--url-file", str(urls), "--history", str(tmp_path / "none.jsonl")))
    assert "cannot use the history" in capsys.readouterr().err


def test_manage_py_takes_the_history_too(fast_checks, web, tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text(web.url("/tagged/cli-c") + "\n")
    first = StringIO()
    call_command("check_links", "--url-file", str(urls), "--json", stdout=first)
    history = tmp_path / "last-run.jsonl"
    history.write_text(first.getvalue())
    again = StringIO()
    call_command("check_links", "--url-file", str(urls), "--json", "--history", str(history), stdout=again)
    assert json.loads(again.getvalue())["not_modified"] is True


def test_manage_py_refuses_a_bad_history_file_clearly(tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text("https://a.example/\n")
    history = tmp_path / "history.jsonl"
    history.write_text("garbage\n")
    with pytest.raises(CommandError, match=r"Cannot use the history .*line 1 is not JSON"):
        call_command("check_links", "--url-file", str(urls), "--history", str(history))


def test_manage_py_history_without_url_file_is_refused():
    with pytest.raises(CommandError, match="--history needs --url-file"):
        call_command("check_links", "--history", "x.jsonl")
