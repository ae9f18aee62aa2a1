"""A sign-out while Redis is partitioned stays a sign-out: 3 gunicorn workers, Redis behind a proxy."""

import re
import time

import pytest

from tests.factories import PASSWORD, UserFactory

from .servers import Client

pytestmark = pytest.mark.real_password_hashing

REQUESTS = 30


def _signed_in_client(base: str, user) -> Client:
    client = Client(base)
    status, _, _ = client.post_form("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert status == 302, "sign-in failed"
    return client


def _count_signed_in(base: str, cookies: dict) -> int:
    replay = Client(base)
    replay.cookies = dict(cookies)
    return sum(replay.signed_in() for _ in range(REQUESTS))


def _sign_out_during_partition(gunicorn, redis_proxy):
    user = UserFactory()
    server = gunicorn(REDIS_URL=redis_proxy.url)
    client = _signed_in_client(server.base, user)
    assert all(client.signed_in() for _ in range(6))  # every worker has read the session from Redis
    stolen = dict(client.cookies)  # someone who kept the old cookie

    redis_proxy.partition()
    status, _, _ = client.post_form("/accounts/logout/", {})
    assert status == 302
    during = _count_signed_in(server.base, stolen)
    return server, stolen, during


def test_a_sign_out_during_a_redis_partition_stays_a_sign_out_when_redis_heals(gunicorn, redis_proxy, record_figures):
    server, stolen, during = _sign_out_during_partition(gunicorn, redis_proxy)
    redis_proxy.heal()
    time.sleep(6)  # past the cache's retry delay: every worker uses Redis again
    after = _count_signed_in(server.base, stolen)
    record_figures(
        scenario="sign-out during Redis partition, 3 workers", signed_in_during=during, signed_in_after=after
    )
    assert (during, after) == (0, 0)


def test_a_sign_out_during_a_redis_partition_stays_a_sign_out_across_a_restart(gunicorn, redis_proxy, record_figures):
    server, stolen, during = _sign_out_during_partition(gunicorn, redis_proxy)
    server = gunicorn.restart(server)  # a deploy or crash: no process remembers the outage
    redis_proxy.heal()
    after = _count_signed_in(server.base, stolen)
    record_figures(
        scenario="sign-out during Redis partition, gunicorn restarted", signed_in_during=during, signed_in_after=after
    )
    assert (during, after) == (0, 0)


def test_pages_keep_working_while_redis_is_partitioned(gunicorn, redis_proxy, record_figures):
    user = UserFactory()
    server = gunicorn(REDIS_URL=redis_proxy.url)
    client = _signed_in_client(server.base, user)
    redis_proxy.partition()
    statuses = [client.get(path)[0] for path in ("/", "/stages/", "/me/", "/healthz") * 10]
    status, _, body = client.get("/readyz")
    errors = sum(s >= 500 for s in statuses)
    record_figures(scenario="pages during Redis partition", requests=len(statuses), errors=errors)
    assert errors == 0
    assert client.signed_in()
    assert status == 200
    assert '"degraded"' in body


def test_a_session_ended_from_the_profile_during_a_redis_partition_stays_ended(gunicorn, redis_proxy, record_figures):
    """Issue 34: "Sign out" on the profile's list of sessions deletes the session's database row; the
    copy Redis still holds when it heals signs nobody in (users.backends)."""
    user = UserFactory()
    server = gunicorn(REDIS_URL=redis_proxy.url)
    mine = _signed_in_client(server.base, user)
    thief = _signed_in_client(server.base, user)
    assert all(thief.signed_in() for _ in range(6))  # every worker has read the stolen session from Redis

    redis_proxy.partition()
    _, _, profile = mine.get("/me/profile/")
    assert profile.count("Sign out</button>") >= 2  # the nav's and the other session's
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', profile).group(1)
    status, _, _ = mine.request("POST", "/me/sessions/end-others/", {"csrfmiddlewaretoken": token})
    assert status == 302
    during = _count_signed_in(server.base, thief.cookies)
    redis_proxy.heal()
    time.sleep(6)  # past the cache's retry delay: every worker uses Redis again
    after = _count_signed_in(server.base, thief.cookies)
    record_figures(
        scenario="session ended from the profile during Redis partition, 3 workers",
        signed_in_during=during,
        signed_in_after=after,
    )
    assert (during, after) == (0, 0)
    assert mine.signed_in()
