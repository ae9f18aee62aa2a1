import pytest

from .link_servers import LinkServer, self_signed_context


@pytest.fixture(scope="session")
def link_server():
    """A real, misbehaving HTTP server on 127.0.0.1 (see link_servers.py)."""
    server = LinkServer().start()
    yield server
    server.stop()


@pytest.fixture
def web(link_server):
    """The shared link server with its request log cleared for this test."""
    link_server.reset()
    return link_server


@pytest.fixture(scope="session")
def tls_server(tmp_path_factory):
    server = LinkServer(ssl_context=self_signed_context(tmp_path_factory.mktemp("tls"))).start()
    yield server
    server.stop()


@pytest.fixture
def fast_checks(settings):
    """Link checks that reach the local test servers and give up quickly."""
    settings.LINKCHECK_ALLOW_PRIVATE_ADDRESSES = True
    settings.LINKCHECK_CONNECT_TIMEOUT = 2
    settings.LINKCHECK_READ_TIMEOUT = 1
    settings.LINKCHECK_TOTAL_TIMEOUT = 3
    settings.LINKCHECK_PER_HOST_INTERVAL = 0
    settings.LINKCHECK_PER_HOST_CONCURRENCY = 4
    settings.LINKCHECK_RETRY_AFTER_CAP = 2
    settings.LINKCHECK_FAILURES_BEFORE_FLAG = 2
    return settings
