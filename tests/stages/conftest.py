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
