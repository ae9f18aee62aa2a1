import os

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

    settings.CACHES = {"default": {"BACKEND": "dlcurriculum.cache.ResilientRedisCache", "LOCATION": UNREACHABLE}}
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
