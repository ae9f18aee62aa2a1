"""A link check that learns from the last run: each host's slowest URLs first, conditional requests.

Politeness and classification must be exactly those of a run without history.
"""

import pytest

from stages.linkhealth.checker import CheckerConfig, Previous, Status, run_checks
from stages.linkhealth.checker.answers import MAX_VALIDATOR_LENGTH, conditional_headers, validator
from stages.linkhealth.checker.order import slowest_first

from .link_servers import PAGE_DATE, LinkServer
from .test_linkcheck import FAST

ONE_AT_A_TIME = CheckerConfig(**{**FAST.__dict__, "concurrency": 1, "per_host_concurrency": 1})


def history_of(results) -> dict[str, Previous]:
    return {url: result.as_previous() for url, result in results.items()}


# --- order ----------------------------------------------------------------------


def test_without_history_the_order_is_the_lists_own():
    urls = [f"https://a.example/{n}" for n in range(5)]
    assert slowest_first(urls, {}) == urls
    assert slowest_first(urls, None) == urls


def test_each_hosts_urls_go_slowest_first_in_the_places_that_host_held():
    a1, a2, a3 = (f"https://a.example/{n}" for n in range(3))
    b1, b2 = (f"https://b.example:8443/{n}" for n in range(2))
    history = {a1: Previous(0.1), a2: Previous(0.3), a3: Previous(2.0), b1: Previous(0.2), b2: Previous(0.9)}
    # a holds places 0, 2, 4 and b places 1, 3 before and after.
    assert slowest_first([a1, b1, a2, b2, a3], history) == [a3, b2, a2, b1, a1]


def test_a_url_unknown_last_time_goes_before_the_known_ones_and_ties_keep_the_lists_order():
    known_fast, known_slow, new_one, other_new = (f"https://a.example/{n}" for n in range(4))
    history = {known_fast: Previous(0.1), known_slow: Previous(0.5)}
    assert slowest_first([known_fast, known_slow, new_one, other_new], history) == [
        new_one,
        other_new,
        known_slow,
        known_fast,
    ]


def test_a_malformed_url_keeps_its_place_among_the_others():
    bad = "http://[not-a-host/page"
    fast, slow = "https://a.example/1", "https://a.example/2"
    assert slowest_first([fast, bad, slow], {fast: Previous(0.1), slow: Previous(1.0)}) == [slow, bad, fast]


def test_a_run_with_history_sends_each_hosts_slowest_url_first(web):
    urls = [web.url("/ok?n=1"), web.url("/slow?s=0.2&n=2"), web.url("/ok?n=3"), web.url("/slow?s=0.1&n=4")]
    first = run_checks(urls, ONE_AT_A_TIME)
    assert [r.path for r in web.state.requests] == [u.removeprefix(web.url("")) for u in urls]
    web.reset()
    run_checks(urls, ONE_AT_A_TIME, history=history_of(first))
    # Each /slow sleeps at least its s: they took longer than the /ok answers.
    assert [r.path for r in web.state.requests][:2] == ["/slow?s=0.2&n=2", "/slow?s=0.1&n=4"]


def test_history_keyed_by_a_url_with_a_fragment_counts_for_the_fetched_url(web):
    fast, slow = web.url("/ok?n=1"), web.url("/slow?s=0.1&n=2")
    run_checks([fast, slow], ONE_AT_A_TIME, history={fast + "#top": Previous(0.01), slow + "#x": Previous(0.2)})
    assert [r.path for r in web.state.requests] == ["/slow?s=0.1&n=2", "/ok?n=1"]


# --- politeness kept ------------------------------------------------------------


def test_per_host_concurrency_is_bounded_with_history(web):
    config = CheckerConfig(**{**FAST.__dict__, "per_host_concurrency": 3})
    urls = [web.url(f"/slow?s=0.1&n={i}") for i in range(12)]
    results = run_checks(urls, config, history={url: Previous(elapsed=float(i)) for i, url in enumerate(urls)})
    assert web.state.max_in_flight == 3
    assert {r.status for r in results.values()} == {Status.OK}


def test_global_concurrency_is_bounded_across_hosts_with_history():
    shared = {"in_flight": 0, "max": 0}
    servers = [LinkServer(shared=shared).start() for _ in range(3)]
    try:
        config = CheckerConfig(**{**FAST.__dict__, "concurrency": 4, "per_host_concurrency": 3})
        urls = [s.url(f"/slow?s=0.1&n={i}") for s in servers for i in range(6)]
        history = {url: Previous(elapsed=0.1 * (n % 5)) for n, url in enumerate(urls)}
        results = run_checks(urls, config, history=history)
    finally:
        for server in servers:
            server.stop()
    assert {r.status for r in results.values()} == {Status.OK}
    assert shared["max"] == 4


def test_per_host_minimum_interval_spaces_requests_with_history(web):
    config = CheckerConfig(**{**FAST.__dict__, "per_host_interval": 0.3})
    urls = [web.url(f"/ok?n={i}") for i in range(4)]
    run_checks(urls, config, history={url: Previous(elapsed=1.0 - i / 10) for i, url in enumerate(urls)})
    starts = sorted(r.at for r in web.state.requests)
    # The same bound as without history: four starts 0.3 s apart span 0.9 s, less arrival jitter.
    assert starts[-1] - starts[0] >= 0.6


# --- same classification ----------------------------------------------------------


def test_every_kind_of_answer_is_classified_the_same_with_history(web):
    paths = [
        "/ok",
        "/not-found",
        "/gone",
        "/forbidden",
        "/server-error",
        "/redirect/301?to=/ok",
        "/members-only",
        "/cloudflare",
        "/request-timeout",
        "/tagged/same",
        "/dated",
    ]
    urls = [web.url(p) for p in paths]
    first = run_checks(urls, FAST)
    again = run_checks(urls, FAST, history=history_of(first))
    assert [(r.status, r.detail, r.suggested_url) for r in again.values()] == [
        (r.status, r.detail, r.suggested_url) for r in first.values()
    ]


# --- conditional requests -----------------------------------------------------------


def test_an_etag_from_an_ok_answer_is_sent_back_and_a_304_is_ok_not_modified(web):
    url = web.url("/tagged/a")
    first = run_checks([url], FAST)[url]
    assert (first.status, first.etag, first.not_modified) == (Status.OK, '"v0"', False)
    again = run_checks([url], FAST, history=history_of({url: first}))[url]
    assert (again.status, again.http_status, again.not_modified, again.detail) == (Status.OK, 304, True, "")
    assert again.etag == '"v0"'
    assert [r.if_none_match for r in web.state.paths("/tagged/a")] == ["", '"v0"']


def test_a_changed_page_answers_200_with_its_new_etag(web):
    url = web.url("/tagged/b")
    first = run_checks([url], FAST)[url]
    web.state.hits["b"] = 1  # the page changed
    again = run_checks([url], FAST, history=history_of({url: first}))[url]
    assert (again.status, again.http_status, again.not_modified, again.etag) == (Status.OK, 200, False, '"v1"')


def test_a_last_modified_is_sent_back_and_a_bare_304_keeps_it(web):
    url = web.url("/dated")
    first = run_checks([url], FAST)[url]
    assert (first.last_modified, first.etag) == (PAGE_DATE, "")
    again = run_checks([url], FAST, history=history_of({url: first}))[url]
    assert (again.status, again.not_modified, again.last_modified) == (Status.OK, True, PAGE_DATE)
    assert web.state.paths("/dated")[-1].if_modified_since == PAGE_DATE


def test_a_redirected_or_failed_check_keeps_no_validators_and_sends_none(web):
    urls = [web.url("/redirect/301?to=/tagged/c"), web.url("/not-found")]
    first = run_checks(urls, FAST)
    assert [(r.etag, r.last_modified) for r in first.values()] == [("", ""), ("", "")]
    # Even if a history claimed some, the redirect's hop is asked plainly: validators are about one URL's answer.
    history = {url: Previous(elapsed=0.1, etag='"v0"') for url in urls}
    again = run_checks(urls, FAST, history=history)
    assert again[urls[0]].status == Status.REDIRECTED
    assert [r.if_none_match for r in web.state.paths("/tagged/c")] == ["", ""]


def test_history_without_validators_asks_plainly(web):
    url = web.url("/tagged/d")
    result = run_checks([url], FAST, history={url: Previous(elapsed=0.1)})[url]
    assert (result.status, result.http_status, result.not_modified) == (Status.OK, 200, False)
    assert web.state.paths("/tagged/d")[0].if_none_match == ""


@pytest.mark.parametrize(
    "value",
    ["x" * (MAX_VALIDATOR_LENGTH + 1), '"v1"\r\nX-Injected: 1', '"caf\u00e9"', "", None],
)
def test_unfit_validators_are_neither_kept_nor_sent(value):
    assert validator(value) == ""
    assert conditional_headers(Previous(etag=value or "", last_modified=value or "")) is None


def test_fit_validators_become_both_conditional_headers():
    headers = conditional_headers(Previous(etag='W/"abc"', last_modified=PAGE_DATE))
    assert headers == {"If-None-Match": 'W/"abc"', "If-Modified-Since": PAGE_DATE}
