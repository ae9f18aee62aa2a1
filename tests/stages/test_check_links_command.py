"""`manage.py check_links`: the database run with its summary, and the standalone --url-file --json mode."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from stages.models import LinkCheck, LinkState, LinkStatus
from tests.factories import ResourceFactory


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("check_links", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_database_run_records_results_and_prints_a_summary_table(fast_checks, web):
    ok = ResourceFactory(url=web.url("/ok"))
    ResourceFactory(url=web.url("/gone"))
    out, _ = run("--no-progress")
    assert LinkStatus.objects.get(resource=ok).status == LinkState.OK
    assert LinkCheck.objects.count() == 2
    lines = [line.split() for line in out.splitlines()]
    assert ["ok", "1"] in lines
    assert ["broken", "1"] in lines
    assert ["total", "2"] in lines
    assert any(web.url("/gone") in line for line in out.splitlines())


@pytest.mark.django_db
def test_database_run_shows_a_progress_bar(fast_checks, web):
    ResourceFactory(url=web.url("/ok"))
    _, err = run()
    assert "1/1" in err


def test_url_file_json_prints_one_object_per_url_without_the_database(fast_checks, web, tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# a comment\n{web.url('/ok')}\n\n{web.url('/not-found')}\n{web.url('/ok')}\nftp://nope\n")
    out, _ = run("--url-file", str(urls), "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["url"], r["status"]) for r in rows] == [
        (web.url("/ok"), "ok"),
        (web.url("/not-found"), "broken"),
        ("ftp://nope", "invalid"),
    ]
    assert rows[1]["http_status"] == 404


def test_url_file_takes_checker_options(fast_checks, web, tmp_path):
    urls = tmp_path / "urls.txt"
    urls.write_text(web.url("/chain/3") + "\n")
    out, _ = run("--url-file", str(urls), "--json", "--max-redirects", "2")
    assert json.loads(out)["status"] == "broken"


def test_missing_url_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("--url-file", str(tmp_path / "missing.txt"))


def test_json_without_url_file_is_refused():
    with pytest.raises(CommandError, match="--json needs --url-file"):
        run("--json")


HOSTILE_URLS = [
    "http://[64:ff9b::a9fe:a9fe]/latest/meta-data/",
    "http://[64:ff9b:1::a9fe:a9fe]/",
    "http://[2002:7f00:1::]/",
    "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://[::127.0.0.1]/",
    "http://[::ffff:0:127.0.0.1]/",
    "http://[0:0:0:0:0:ffff:7f00:1]/",
    "http://[fec0::1]/",
    "http://[::1]/",
    "http://[::1]:8000/admin/",
    "http://[::]/",
    "http://[fe80::1%25eth0]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://0.0.0.0/",
    "http://localhost/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://0x7f.1/",
    "http://0x7f000001/",
    "http://127.1/",
    "http://0300.0250.0.1/",
    "http://0/",
    "http://\uff11\uff12\uff17.\uff10.\uff10.\uff11/",
    "http://\u2460\u2461\u2466.0.0.1/",
    "http://example.com@127.0.0.1/",
    "http://user:password@example.com/",
    "http://127.0.0.1\\@example.com/",
    "http://" + "a" * 64 + ".example.com/",
    "http://" + ("a" * 60 + ".") * 5 + "com/",
    "http://[::1]/" + "a" * 100_000,
    "http://\u0430pple.com/",
    "http://xn--pple-43d.com/",
    "http://[::1",
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO",
]


def test_hostile_url_file_gives_every_url_a_clear_classification_without_a_request(settings, tmp_path):
    settings.LINKCHECK_ALLOW_PRIVATE_ADDRESSES = False
    urls = tmp_path / "hostile.txt"
    urls.write_text("\n".join(HOSTILE_URLS) + "\n", encoding="utf-8")
    out, err = run("--url-file", str(urls), "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["url"] for r in rows] == HOSTILE_URLS
    assert {r["status"] for r in rows} == {"invalid"}
    assert all(r["detail"] and r["http_status"] is None for r in rows)
    assert "Traceback" not in err
