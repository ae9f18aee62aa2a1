"""A Redis cache that degrades to a per-process memory cache while Redis is down.

django-redis can ignore connection errors, but then ``add()`` answers None, and
allauth's rate limiter, which locks with ``add()``, refuses every login ("429")
until Redis is back. Falling back to process memory keeps pages working and rate
limits roughly in force (per process) during an outage.

Redis that was only unreachable (a network partition, not a restart) comes back
with the values it had. A key written or deleted meanwhile went to process memory
only, so Redis would serve its old value again: a session signed out during the
outage would be signed in again, an invalidated cached read would come back. So
every key a process touched while Redis was away is deleted from Redis, by that
process, before it uses Redis again; and what the process kept in memory is dropped,
so the next outage starts from nothing instead of from values written long ago.

That repair list lives in one process: a process that restarts, or that never saw the
outage, cannot repair anything. So the memory fallback is only for data where a stale
copy is harmless (rate limits, the curriculum outline). Sessions use the ``sessions``
alias, built with ``"MEMORY_FALLBACK": False``: while Redis is away it behaves as an
empty cache (``cached_db`` then reads the database), and whether a session still
exists is always checked against the database (``dlcurriculum.users.backends``).
"""

import logging
import time

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# After a failure, Redis is not asked again for this long: a blackholed host would
# otherwise cost a connect timeout on every cache call.
RETRY_AFTER_SECONDS = 5.0
# Keys remembered for deletion once Redis is back; beyond this, the oldest are forgotten
# (their entries expire on their own timeouts).
MAX_STALE_KEYS = 100_000

# Methods that change a key; their keys must not outlive the outage in Redis.
_WRITES = frozenset({"add", "set", "touch", "delete", "incr", "set_many", "delete_many"})


class ResilientRedisCache(BaseCache):
    def __init__(self, server, params):
        super().__init__(params)
        options = {**params.get("OPTIONS", {}), "IGNORE_EXCEPTIONS": False}
        memory_fallback = options.pop("MEMORY_FALLBACK", True)
        self._redis = RedisCache(server, {**params, "OPTIONS": options})
        if memory_fallback:
            self._memory = LocMemCache(f"fallback-{server}", {"TIMEOUT": params.get("TIMEOUT", 300)})
        else:
            # Every read misses and every write is dropped: callers fall back to their own source.
            self._memory = DummyCache(f"nofallback-{server}", {})
        self._down_until = 0.0
        self._was_down = False
        # (key, version) pairs written or deleted in memory while Redis was away; dict keeps insertion order.
        self._stale: dict[tuple, None] = {}

    def _call(self, method: str, *args, **kwargs):
        if time.monotonic() >= self._down_until:
            try:
                self._drop_stale_keys()
                result = getattr(self._redis, method)(*args, **kwargs)
                if self._was_down:
                    self._was_down = False
                    self._memory.clear()
                return result
            except (RedisError, OSError) as exc:
                self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
                self._was_down = True
                logger.warning("Redis cache unavailable (%s); using process memory for %ss", exc, RETRY_AFTER_SECONDS)
        if method in _WRITES:
            self._remember_stale(method, args, kwargs)
        return getattr(self._memory, method)(*args, **kwargs)

    def _remember_stale(self, method: str, args: tuple, kwargs: dict) -> None:
        keys = args[0] if method in ("set_many", "delete_many") else [args[0]]
        version = kwargs.get("version")
        for key in keys:
            self._stale.pop((key, version), None)
            self._stale[(key, version)] = None
        while len(self._stale) > MAX_STALE_KEYS:
            del self._stale[next(iter(self._stale))]

    def _drop_stale_keys(self) -> None:
        """Delete from Redis what this process changed while it could not reach it (raises if still away)."""
        while self._stale:
            batch = list(self._stale)[:500]
            by_version: dict = {}
            for key, version in batch:
                by_version.setdefault(version, []).append(key)
            for version, keys in by_version.items():
                self._redis.delete_many(keys, version=version)
            for pair in batch:
                self._stale.pop(pair, None)

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
