"""Arbitrary links and Markdown: the link checker never reaches a private address, Markdown (pages and
e-mail alike) loads nothing."""

from urllib.parse import urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from dlcurriculum.mail.remote import remote_resources
from dlcurriculum.markdown import render_markdown
from stages.linkhealth.checker import CheckerConfig, Status, netpolicy, run_checks

FAST = settings(max_examples=60, deadline=None)
STRICT = CheckerConfig(connect_timeout=1, read_timeout=1, total_timeout=2, allow_private_addresses=False)

urls = st.one_of(
    st.text(max_size=80),
    st.builds(lambda host, rest: f"http://{host}/{rest}", st.text(max_size=80), st.text(max_size=20)),
    st.builds(lambda host: f"http://[{host}]/", st.text(alphabet="0123456789abcdef:.%", max_size=45)),
)
markdown = st.one_of(
    st.text(),
    st.builds(
        lambda before, alt, url: f"{before} ![{alt}]({url})",
        st.text(max_size=40),
        st.text(max_size=20),
        st.sampled_from(["http://t.example/p.gif", "//t.example/p.gif", "data:image/png;base64,AA", "p.gif"]),
    ),
)


@FAST
@given(st.text(max_size=100))
def test_address_and_host_policy_answer_any_text(text):
    assert isinstance(netpolicy.address_refusal(text), str | None)
    assert isinstance(netpolicy.host_refusal(text), str | None)


@FAST
@given(st.lists(urls, min_size=1, max_size=5))
def test_no_url_reaches_a_host_that_resolves_to_a_private_address(candidates):
    async def internal(host, port):
        return ["10.0.0.7"]

    results = run_checks(candidates, STRICT, lookup=internal)
    assert set(results) == set(candidates)
    # Only a literal public address may be tried (it is not looked up); everything else is refused unsent.
    assert all(r.status == Status.INVALID or _public_literal(url) for url, r in results.items())


def _public_literal(url: str) -> bool:
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return False
    return bool(host) and netpolicy.is_ip_literal(host) and netpolicy.is_public(host)


@FAST
@given(markdown)
def test_markdown_never_loads_anything(text):
    html = render_markdown(text)
    assert "<img" not in html.lower()
    assert remote_resources(html) == []
