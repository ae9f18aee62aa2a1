"""The pure link checker against real local servers: classification, politeness, robustness."""

import asyncio
import dataclasses
import json
import socket

import pytest

from stages.linkhealth.checker import CheckerConfig, LinkResult, Status, parse_retry_after, run_checks
from stages.linkhealth.checker.run import start_in_batches

from .link_servers import LinkServer, closed_port

FAST = CheckerConfig(
    concurrency=16,
    per_host_concurrency=4,
    connect_timeout=2,
    read_timeout=1,
    total_timeout=3,
    retry_after_cap=2,
    per_host_interval=0,
    allow_private_addresses=True,
)
HEAD_FIRST = CheckerConfig(**{**FAST.__dict__, "head_first": True})


def check(url, config=FAST, **kwargs):
    return run_checks([url], config, **kwargs)[url]


# --- ok / redirected ----------------------------------------------------------


def test_2xx_is_ok(web):
    result = check(web.url("/ok"))
    assert (result.status, result.http_status, result.redirects) == (Status.OK, 200, 0)


def test_one_get_per_url_by_default(web):
    check(web.url("/ok"))
    assert [r.method for r in web.state.paths("/ok")] == ["GET"]


def test_a_404_costs_one_request_by_default(web):
    assert check(web.url("/not-found")).status == Status.BROKEN
    assert [r.method for r in web.state.paths("/not-found")] == ["GET"]


def test_head_first_is_tried_first_and_suffices(web):
    check(web.url("/ok"), HEAD_FIRST)
    assert [r.method for r in web.state.paths("/ok")] == ["HEAD"]


def test_head_first_refused_with_405_falls_back_to_get(web):
    result = check(web.url("/head-refused"), HEAD_FIRST)
    assert result.status == Status.OK
    assert [r.method for r in web.state.paths("/head-refused")] == ["HEAD", "GET"]


def test_head_first_refused_with_501_falls_back_to_get(web):
    check(web.url("/not-implemented-head"), HEAD_FIRST)
    assert [r.method for r in web.state.paths("/not-implemented-head")] == ["HEAD", "GET"]


def test_head_first_answered_404_is_confirmed_by_get_before_calling_it_broken(web):
    assert check(web.url("/head-lies"), HEAD_FIRST).status == Status.OK


def test_head_first_dropped_by_the_server_falls_back_to_get(web):
    result = check(web.url("/head-drops"), HEAD_FIRST)
    assert result.status == Status.OK
    methods = [r.method for r in web.state.paths("/head-drops")]
    # aiohttp itself may retry the HEAD once on a fresh connection before we switch.
    assert methods[-1] == "GET"
    assert set(methods[:-1]) == {"HEAD"}


def test_server_lying_to_head_is_ok_by_default(web):
    assert check(web.url("/head-lies")).status == Status.OK


def test_user_agent_names_the_app(web):
    check(web.url("/ok"))
    assert "dlcurriculum" in web.state.paths("/ok")[0].user_agent


@pytest.mark.parametrize("code", [301, 308])
def test_permanent_redirect_suggests_the_new_url(web, code):
    result = check(web.url(f"/redirect/{code}?to=/ok"))
    assert result.status == Status.REDIRECTED
    assert result.suggested_url == web.url("/ok")


@pytest.mark.parametrize("code", [302, 303, 307])
def test_temporary_redirect_is_redirected_without_suggestion(web, code):
    result = check(web.url(f"/redirect/{code}?to=/ok"))
    assert (result.status, result.suggested_url, result.final_url) == (Status.REDIRECTED, None, web.url("/ok"))


def test_redirect_chain_within_the_limit_is_followed_to_the_end(web):
    result = check(web.url("/chain/4"))
    assert (result.status, result.redirects, result.final_url) == (Status.REDIRECTED, 4, web.url("/chain/0"))


def test_permanent_then_temporary_redirect_suggests_the_permanent_target(web):
    result = check(web.url("/redirect/301?to=/redirect/302"))
    assert result.suggested_url == web.url("/redirect/302")


# --- broken -------------------------------------------------------------------


@pytest.mark.parametrize(("path", "code"), [("/not-found", 404), ("/gone", 410), ("/legal", 451)])
def test_not_there_4xx_is_broken(web, path, code):
    result = check(web.url(path))
    assert (result.status, result.http_status) == (Status.BROKEN, code)


def test_too_many_redirects_is_broken(web):
    result = check(web.url("/chain/9"), CheckerConfig(**{**FAST.__dict__, "max_redirects": 5}))
    assert result.status == Status.BROKEN
    assert "too many redirects" in result.detail


def test_redirect_loop_is_broken(web):
    result = check(web.url("/loop-a"), CheckerConfig(**{**FAST.__dict__, "max_redirects": 10}))
    assert (result.status, result.detail) == (Status.BROKEN, "redirect loop")


def test_connection_refused_is_broken():
    result = check(f"http://127.0.0.1:{closed_port()}/")
    assert result.status == Status.BROKEN
    assert "connection failed" in result.detail


def test_dns_failure_is_broken():
    async def no_such_host(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    result = check("http://no-such-host.test/page", lookup=no_such_host)
    assert result.status == Status.BROKEN
    assert "DNS failure" in result.detail


def test_untrusted_certificate_is_a_tls_failure(tls_server):
    result = check(tls_server.url("/ok"))
    assert result.status == Status.BROKEN
    assert "TLS failure" in result.detail
    assert tls_server.state.requests == []


# --- unverifiable -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "code"),
    [("/unauthorized", 401), ("/forbidden", 403), ("/proxy-auth", 407), ("/rate-limited", 429), ("/linkedin", 999)],
)
def test_robot_refusals_are_unverifiable(web, path, code):
    result = check(web.url(path))
    assert (result.status, result.http_status) == (Status.UNVERIFIABLE, code)


def test_cloudflare_challenge_is_unverifiable(web):
    result = check(web.url("/cloudflare"))
    assert result.status == Status.UNVERIFIABLE
    assert "challenge" in result.detail


def test_redirect_to_a_login_page_is_unverifiable(web):
    result = check(web.url("/members-only"))
    assert result.status == Status.UNVERIFIABLE
    assert "login" in result.detail


# --- Retry-After --------------------------------------------------------------


def test_retry_after_within_the_cap_is_honoured_then_retried(web):
    result = check(web.url("/retry-once/a?after=1"))
    assert result.status == Status.OK
    gets = [r for r in web.state.paths("/retry-once/a?after=1") if r.method == "GET"]
    assert len(gets) == 2
    assert gets[1].at - gets[0].at >= 0.9


@pytest.mark.parametrize("path", ["/rate-limited-long", "/unavailable-long"])
def test_retry_after_beyond_the_cap_is_unverifiable_without_waiting(web, path):
    result = check(web.url(path))
    assert result.status == Status.UNVERIFIABLE
    assert "retry after 3600s" in result.detail


def test_retry_after_as_http_date_is_understood():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)


# --- timeout / server error ---------------------------------------------------


def test_hanging_server_times_out_and_the_rest_of_the_run_continues(web):
    results = run_checks([web.url("/hang"), web.url("/ok")], FAST)
    assert results[web.url("/hang")].status == Status.TIMEOUT
    assert results[web.url("/ok")].status == Status.OK


def test_http_408_is_a_timeout(web):
    assert check(web.url("/request-timeout")).status == Status.TIMEOUT


@pytest.mark.parametrize(("path", "code"), [("/server-error", 500), ("/bad-gateway", 502), ("/unavailable", 503)])
def test_5xx_is_a_server_error(web, path, code):
    result = check(web.url(path))
    assert (result.status, result.http_status) == (Status.SERVER_ERROR, code)


# --- invalid ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/file", "not an http(s) URL"),
        ("mailto:someone@example.com", "not an http(s) URL"),
        ("http:///path-only", "no host"),
        ("https://", "no host"),
        ("http://[::1", "malformed"),
        ("http://example.com:99999/", "malformed"),
        ("just some words", "not an http(s) URL"),
    ],
)
def test_malformed_urls_are_invalid_and_never_crash_the_run(web, url, reason):
    results = run_checks([url, web.url("/ok")], FAST)
    assert results[url].status == Status.INVALID
    assert reason in results[url].detail
    assert results[web.url("/ok")].status == Status.OK


def test_private_address_is_refused_without_sending_a_request(web):
    strict = CheckerConfig(**{**FAST.__dict__, "allow_private_addresses": False})
    result = check(web.url("/ok"), strict)
    assert result.status == Status.INVALID
    assert "non-public" in result.detail
    assert web.state.requests == []


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.10", "169.254.169.254", "127.0.0.1", "::1", "fd00::1"])
def test_host_resolving_to_a_private_address_is_refused(address):
    async def internal(host, port):
        return [address]

    strict = CheckerConfig(**{**FAST.__dict__, "allow_private_addresses": False})
    result = check("http://intranet.example.org/admin", strict, lookup=internal)
    assert result.status == Status.INVALID
    assert address in result.detail


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("64:ff9b::a9fe:a9fe", "NAT64 form of 169.254.169.254"),
        ("64:ff9b:1::a9fe:a9fe", "local-use NAT64"),
        ("2002:7f00:1::", "6to4 form of 127.0.0.1"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo form of 192.0.2.45"),
        ("::ffff:7f00:1", "IPv4-mapped form of 127.0.0.1"),
        ("::127.0.0.1", "IPv4-compatible form of 127.0.0.1"),
        ("fec0::1", "site-local"),
    ],
)
def test_ipv6_forms_wrapping_private_ipv4_are_refused_as_literals_and_as_dns_answers(address, reason):
    async def wrapped(host, port):
        return [address]

    strict = CheckerConfig(**{**FAST.__dict__, "allow_private_addresses": False})
    literal = check(f"http://[{address}]/latest/meta-data/", strict)
    resolved = check("http://metadata.example.org/latest/meta-data/", strict, lookup=wrapped)
    assert (literal.status, resolved.status) == (Status.INVALID, Status.INVALID)
    assert reason in literal.detail
    assert reason in resolved.detail


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://example.com@127.0.0.1/", "user name"),
        ("http://127.0.0.1\\@example.com/", "user name"),
        ("http://2130706433/", "non-standard spelling"),
        ("http://0x7f.1/", "non-standard spelling"),
        ("http://\u0430pple.com/", "look-alike"),
    ],
)
def test_hostile_urls_are_refused_even_when_private_addresses_are_allowed(web, url, reason):
    result = check(url)
    assert result.status == Status.INVALID
    assert reason in result.detail
    assert web.state.requests == []


def test_private_addresses_are_checked_when_the_setting_allows_them(web):
    assert check(web.url("/ok")).status == Status.OK


# --- run-level behaviour ------------------------------------------------------


def test_duplicate_urls_are_fetched_once_and_answered_for_each_input(web):
    url = web.url("/ok")
    results = run_checks([url, url, url + "#section"], FAST)
    assert [r.status for r in results.values()] == [Status.OK, Status.OK]
    assert results[url + "#section"].url == url + "#section"
    assert len(web.state.paths("/ok")) == 1


def test_huge_body_is_never_downloaded(web):
    result = check(web.url("/huge"))
    assert result.status == Status.OK
    # The server offers 1 GiB; what left it is bounded by socket buffers, not by the body.
    assert web.state.huge_bytes_sent < 64 * 1024 * 1024


def test_per_host_concurrency_is_bounded(web):
    config = CheckerConfig(**{**FAST.__dict__, "per_host_concurrency": 3})
    run_checks([web.url(f"/slow?s=0.1&n={i}") for i in range(12)], config)
    assert web.state.max_in_flight == 3


def test_global_concurrency_is_bounded_across_hosts():
    shared = {"in_flight": 0, "max": 0}
    servers = [LinkServer(shared=shared).start() for _ in range(3)]
    try:
        config = CheckerConfig(**{**FAST.__dict__, "concurrency": 4, "per_host_concurrency": 3})
        urls = [s.url(f"/slow?s=0.1&n={i}") for s in servers for i in range(6)]
        results = run_checks(urls, config)
    finally:
        for server in servers:
            server.stop()
    assert {r.status for r in results.values()} == {Status.OK}
    assert shared["max"] == 4


def test_per_host_minimum_interval_spaces_requests(web):
    config = CheckerConfig(**{**FAST.__dict__, "per_host_interval": 0.3})
    run_checks([web.url(f"/ok?n={i}") for i in range(4)], config)
    starts = sorted(r.at for r in web.state.requests)
    # Four starts 0.3 s apart span 0.9 s; allow for arrival jitter on a loaded machine.
    assert starts[-1] - starts[0] >= 0.6


def test_on_result_is_called_once_per_distinct_url(web):
    seen = []
    run_checks([web.url("/ok"), web.url("/ok"), web.url("/gone")], FAST, on_result=seen.append)
    assert sorted(r.url for r in seen) == sorted([web.url("/ok"), web.url("/gone")])


def test_busiest_host_gets_scarce_global_slots_first():
    x, y, z = (LinkServer().start() for _ in range(3))
    try:
        config = CheckerConfig(**{**FAST.__dict__, "concurrency": 1, "per_host_concurrency": 1})
        urls = [x.url("/ok"), z.url("/ok"), *(y.url(f"/ok?n={i}") for i in range(5))]
        run_checks(urls, config)
        first_z = min(r.at for r in z.state.requests)
        y_before_z = sum(r.at < first_z for r in y.state.requests)
    finally:
        for server in (x, y, z):
            server.stop()
    # First come, first served would send z right after x; y has the most work left.
    assert y_before_z >= 3


def test_redirect_hop_goes_before_the_hosts_urls_not_yet_started():
    server = LinkServer().start()
    try:
        config = CheckerConfig(**{**FAST.__dict__, "concurrency": 1, "per_host_concurrency": 1})
        urls = [server.url("/redirect/301?to=/ok?hop=1"), *(server.url(f"/ok?n={i}") for i in range(4))]
        run_checks(urls, config)
        order = [r.path for r in server.state.requests]
    finally:
        server.stop()
    # First come, first served would send the hop last, behind every URL queued for the host.
    assert order[:2] == ["/redirect/301?to=/ok?hop=1", "/ok?hop=1"]


def test_result_as_dict_carries_every_field_as_plain_json_values():
    result = LinkResult(url="https://a.example/", status=Status.REDIRECTED, http_status=200, redirects=1)
    data = result.as_dict()
    assert list(data) == [f.name for f in dataclasses.fields(LinkResult)]
    assert data["status"] == "redirected"
    assert json.loads(json.dumps(data))["checked_at"] == result.checked_at.isoformat()


def test_checks_start_in_batches_with_a_loop_turn_between_for_the_requests_already_sent():
    turns = 0
    started_at_turn: list[int] = []

    async def count_turns():
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    async def check(url: str) -> None:
        started_at_turn.append(turns)

    async def start_seven():
        ticker = asyncio.ensure_future(count_turns())
        await asyncio.sleep(0)
        tasks = await start_in_batches(check, [f"https://a.example/{n}" for n in range(7)], batch=3)
        await asyncio.gather(*tasks)
        ticker.cancel()
        return tasks

    tasks = asyncio.run(start_seven())
    assert len(tasks) == 7
    first, second, third = started_at_turn[:3], started_at_turn[3:6], started_at_turn[6:]
    # All at once, every check would start in the same turn, before any request's answer is read.
    assert len(set(first)) == len(set(second)) == 1
    assert first[0] < second[0] < third[0]
