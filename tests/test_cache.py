import contextlib
import os
import socket
import threading
import time
from urllib.parse import urlparse

import pytest
import redis

from dlcurriculum.cache import ResilientRedisCache

UNREACHABLE = "redis://127.0.0.1:1/0"


def test_cache_falls_back_to_memory_when_redis_is_unreachable():
    cache = ResilientRedisCache(UNREACHABLE, {"OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2}})
    assert cache.add("lock", True, timeout=10) is True
    assert cache.add("lock", True, timeout=10) is False
    cache.set("history", [1, 2], 10)
    assert cache.get("history") == [1, 2]
    assert cache.get("missing", "default") == "default"


def test_allauth_rate_limit_still_limits_while_redis_is_down(client, learner, settings):
    from django.urls import reverse

    from tests.factories import PASSWORD

    settings.CACHES = {
        "default": {"BACKEND": "dlcurriculum.cache.ResilientRedisCache", "LOCATION": UNREACHABLE},
        "sessions": {
            "BACKEND": "dlcurriculum.cache.ResilientRedisCache",
            "LOCATION": UNREACHABLE,
            "OPTIONS": {"MEMORY_FALLBACK": False},
        },
    }
    for _ in range(5):
        assert client.post(reverse("account_login"), {"login": learner.email, "password": "wrong"}).status_code == 200
    response = client.post(reverse("account_login"), {"login": learner.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.redis
def test_cache_uses_redis_when_it_is_up():
    url = os.environ["REDIS_URL"]
    cache = ResilientRedisCache(url, {"KEY_PREFIX": "resilience-test"})
    cache.set("probe", "stored in redis", 30)
    keys = redis.Redis.from_url(url).keys("*resilience-test*probe*")
    assert keys
    assert cache.get("probe") == "stored in redis"
    cache.delete("probe")


# --- Redis unreachable but alive (a network partition), then reachable again ----------


class PartitionProxy:
    """A TCP proxy in front of the real Redis that can cut every connection and refuse new ones."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._sockets: list[socket.socket] = []
        self._server: socket.socket | None = None
        self.heal()

    def heal(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen()
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def cut(self) -> None:
        for sock in [self._server, *self._sockets]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._sockets = []

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def partition(monkeypatch):
    from dlcurriculum import cache as cache_module

    monkeypatch.setattr(cache_module, "RETRY_AFTER_SECONDS", 0.2)
    real = urlparse(os.environ["REDIS_URL"])
    proxy = PartitionProxy((real.hostname, real.port or 6379))
    proxy.url = f"redis://127.0.0.1:{proxy.port}{real.path or '/0'}"
    yield proxy
    proxy.cut()


def _after_retry_delay():
    time.sleep(0.3)


@pytest.mark.redis
def test_a_key_deleted_while_redis_was_unreachable_stays_deleted_when_it_is_back(partition):
    real = redis.Redis.from_url(os.environ["REDIS_URL"])
    options = {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2}
    cache = ResilientRedisCache(partition.url, {"KEY_PREFIX": "partition-test", "OPTIONS": options})
    cache.set("session", "signed in", 60)
    partition.cut()
    cache.delete("session")
    assert cache.get("session") is None
    assert real.keys("*partition-test*session*"), "Redis itself still holds the old value"

    partition.heal()
    _after_retry_delay()
    assert cache.get("session") is None
    assert not real.keys("*partition-test*session*")


@pytest.mark.redis
def test_a_key_rewritten_while_redis_was_unreachable_is_not_served_stale_when_it_is_back(partition):
    options = {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2}
    cache = ResilientRedisCache(partition.url, {"KEY_PREFIX": "partition-test", "OPTIONS": options})
    cache.set("outline", "before the edit", 60)
    partition.cut()
    cache.set("outline", "after the edit", 60)
    partition.heal()
    _after_retry_delay()
    assert cache.get("outline") != "before the edit"
    cache.delete("outline")


@pytest.mark.redis
@pytest.mark.django_db
def test_signing_out_while_redis_is_unreachable_is_not_undone_when_it_is_back(partition, client, learner, settings):
    from django.urls import reverse

    options = {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2}
    settings.CACHES = {
        "default": {
            "BACKEND": "dlcurriculum.cache.ResilientRedisCache",
            "LOCATION": partition.url,
            "KEY_PREFIX": "partition-session-test",
            "OPTIONS": options,
        },
        "sessions": {
            "BACKEND": "dlcurriculum.cache.ResilientRedisCache",
            "LOCATION": partition.url,
            "KEY_PREFIX": "partition-session-test-sessions",
            "OPTIONS": {**options, "MEMORY_FALLBACK": False},
        },
    }
    client.force_login(learner)
    dashboard = reverse("dashboard")
    assert client.get(dashboard).status_code == 200
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    partition.cut()
    client.post(reverse("account_logout"))
    partition.heal()
    _after_retry_delay()

    client.cookies[settings.SESSION_COOKIE_NAME] = cookie  # someone who kept the old cookie
    response = client.get(dashboard)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_keys_remembered_for_deletion_are_bounded(monkeypatch):
    from dlcurriculum import cache as cache_module

    monkeypatch.setattr(cache_module, "MAX_STALE_KEYS", 3)
    cache = ResilientRedisCache(UNREACHABLE, {"OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2}})
    for n in range(5):
        cache.set(f"key-{n}", n, 10)
    assert [key for key, _version in cache._stale] == ["key-2", "key-3", "key-4"]


def test_a_cache_without_memory_fallback_misses_while_redis_is_unreachable():
    cache = ResilientRedisCache(UNREACHABLE, {"OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "MEMORY_FALLBACK": False}})
    cache.set("session", "signed in", 10)
    assert cache.get("session") is None


@pytest.mark.redis
def test_the_memory_fallback_is_dropped_when_redis_is_back(partition):
    options = {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2}
    cache = ResilientRedisCache(partition.url, {"KEY_PREFIX": "partition-test", "OPTIONS": options})
    partition.cut()
    cache.set("outline", "written during the outage", 60)
    partition.heal()
    _after_retry_delay()
    assert cache.get("anything") is None  # Redis answers again
    assert cache._memory.get("outline") is None
