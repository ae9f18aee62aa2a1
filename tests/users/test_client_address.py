"""Rate limits count per client address: behind trusted proxies from X-Forwarded-For, otherwise the peer."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent.parent
PROXY = "10.0.0.2"
ATTACKER = "203.0.113.5"
VISITOR = "198.51.100.7"


def sign_in(client, email, password, *, peer=PROXY, **headers):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=peer, headers=headers
    )


def fail_ten_times(client, *, peer=PROXY, forwarded_for=None):
    """Ten failed sign-ins (the per-address limit) for ten different accounts, so only the address limit counts."""
    for i in range(10):
        headers = {"x-forwarded-for": forwarded_for(i)} if forwarded_for else {}
        sign_in(client, f"nobody{i}@example.com", "wrong", peer=peer, **headers)


def signed_in(response) -> bool:
    return response.status_code == 302


@pytest.fixture
def behind_one_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def test_behind_a_proxy_one_address_failures_do_not_lock_out_another(behind_one_proxy, client, learner):
    fail_ten_times(client, forwarded_for=lambda i: ATTACKER)
    assert signed_in(sign_in(client, learner.email, PASSWORD, x_forwarded_for=VISITOR))


def test_behind_a_proxy_the_failing_address_itself_is_limited(behind_one_proxy, client, learner):
    fail_ten_times(client, forwarded_for=lambda i: ATTACKER)
    response = sign_in(client, learner.email, PASSWORD, x_forwarded_for=ATTACKER)
    assert not signed_in(response)
    assert "Too many failed login attempts" in response.content.decode()


def test_behind_a_proxy_entries_the_client_wrote_itself_are_ignored(behind_one_proxy, client, learner):
    # The proxy appends the address it saw; what the client sent stays on the left.
    fail_ten_times(client, forwarded_for=lambda i: f"192.0.2.{i}, {ATTACKER}")
    assert not signed_in(sign_in(client, learner.email, PASSWORD, x_forwarded_for=f"192.0.2.99, {ATTACKER}"))


def test_without_a_trusted_proxy_a_spoofed_forwarded_for_is_ignored(client, learner, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    fail_ten_times(client, peer=ATTACKER, forwarded_for=lambda i: f"192.0.2.{i}")
    response = sign_in(client, learner.email, PASSWORD, peer=ATTACKER, x_forwarded_for="192.0.2.99")
    assert not signed_in(response)


def test_without_a_trusted_proxy_other_peers_are_not_locked_out(client, learner, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    fail_ten_times(client, peer=ATTACKER)
    assert signed_in(sign_in(client, learner.email, PASSWORD, peer=VISITOR))


def test_a_trusted_client_ip_header_separates_clients(client, learner, settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    for i in range(10):
        sign_in(client, f"nobody{i}@example.com", "wrong", x_real_ip=ATTACKER)
    assert not signed_in(sign_in(client, learner.email, PASSWORD, x_real_ip=ATTACKER))
    assert signed_in(sign_in(client, learner.email, PASSWORD, x_real_ip=VISITOR))


def test_a_request_that_bypassed_a_proxy_is_counted_by_its_peer_not_an_error(client, learner, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    response = sign_in(client, learner.email, PASSWORD, x_forwarded_for=VISITOR)
    assert signed_in(response)


def test_password_reset_limits_count_per_client_behind_a_proxy(behind_one_proxy, client, learner, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "3/m/ip"}
    url = reverse("account_reset_password")
    statuses = [
        client.post(url, {"email": f"x{i}@example.com"}, REMOTE_ADDR=PROXY, headers={"x-forwarded-for": ATTACKER})
        for i in range(4)
    ]
    assert statuses[-1].status_code == 429
    other = client.post(url, {"email": learner.email}, REMOTE_ADDR=PROXY, headers={"x-forwarded-for": VISITOR})
    assert other.status_code == 302


PRINT_PROXY_SETTINGS = (
    "from django.conf import settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
)


def _settings_in_a_fresh_process(**env):
    """The settings a new process reads from its environment (only the ALLAUTH_ variables given, if any)."""
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", PRINT_PROXY_SETTINGS],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("ALLAUTH_")},
            **{k: v for k, v in env.items() if v},
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_trusted_proxies_come_from_the_environment():
    result = _settings_in_a_fresh_process(ALLAUTH_TRUSTED_PROXY_COUNT="2", ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
    assert result.stdout.split() == ["2", "X-Real-IP"], result.stderr


def test_no_proxy_is_trusted_unless_configured():
    result = _settings_in_a_fresh_process(ALLAUTH_TRUSTED_PROXY_COUNT="", ALLAUTH_TRUSTED_CLIENT_IP_HEADER="")
    assert result.stdout.split() == ["0", "None"], result.stderr


def test_a_negative_proxy_count_stops_the_start_with_a_clear_message():
    result = _settings_in_a_fresh_process(ALLAUTH_TRUSTED_PROXY_COUNT="-1")
    assert result.returncode != 0
    assert "ALLAUTH_TRUSTED_PROXY_COUNT must be 0" in result.stderr
