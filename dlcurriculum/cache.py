"""A Redis cache that degrades to a per-process memory cache while Redis is down.

django-redis can ignore connection errors, but then ``add()`` answers None, and
allauth's rate limiter, which locks with ``add()``, refuses every login ("429")
until Redis is back. Falling back to process memory keeps pages working and rate
limits roughly in force (per process) during an outage.
"""

import logging
import time

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# After a failure, Redis is not asked again for this long: a blackholed host would
# otherwise cost a connect timeout on every cache call.
RETRY_AFTER_SECONDS = 5.0


class ResilientRedisCache(BaseCache):
    def __init__(self, server, params):
        super().__init__(params)
        options = {**params.get("OPTIONS", {}), "IGNORE_EXCEPTIONS": False}
        self._redis = RedisCache(server, {**params, "OPTIONS": options})
        self._memory = LocMemCache(f"fallback-{server}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        self._down_until = 0.0

    def _call(self, method: str, *args, **kwargs):
        if time.monotonic() >= self._down_until:
            try:
                return getattr(self._redis, method)(*args, **kwargs)
            except (RedisError, OSError) as exc:
                self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
                logger.warning("Redis cache unavailable (%s); using process memory for %ss", exc, RETRY_AFTER_SECONDS)
        return getattr(self._memory, method)(*args, **kwargs)

    def add(self, key, value, timeout=None, version=None):
        kwargs = {"version": version} if timeout is None else {"timeout": timeout, "version": version}
        return self._call("add", key, value, **kwargs)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version=version)

    def set(self, key, value, timeout=None, version=None):
        kwargs = {"version": version} if timeout is None else {"timeout": timeout, "version": version}
        return self._call("set", key, value, **kwargs)

    def touch(self, key, timeout=None, version=None):
        return self._call("touch", key, timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def set_many(self, data, timeout=None, version=None):
        kwargs = {"version": version} if timeout is None else {"timeout": timeout, "version": version}
        return self._call("set_many", data, **kwargs)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def clear(self):
        self._memory.clear()
        return self._call("clear")

    def close(self, **kwargs):
        self._redis.close(**kwargs)
