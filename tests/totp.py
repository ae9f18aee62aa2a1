"""The current code of an authenticator app, computed as the app does (allauth's own TOTP helpers)."""

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

from .factories import TOTP_SECRET

# A code computed in the last moment of its 30-second period reaches the server in the next one, which
# (with allauth's default tolerance of none) refuses it: CI saw that once in ~200 sign-ins. A person
# would type the next code; the tests wait for it the same way.
SAFE_MARGIN_SECONDS = 3.0


def current_code(secret: str = TOTP_SECRET) -> str:
    left_in_period = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if left_in_period < SAFE_MARGIN_SECONDS:
        time.sleep(left_in_period + 0.05)
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def pass_second_factor(client, response, secret: str = TOTP_SECRET, **extra):
    """After a sign-in's first step, answer allauth's second-factor stage with the app's current code
    (when there is one: learners have none) and return that response."""
    from django.urls import reverse

    if response.status_code == 302 and response.url.startswith(reverse("mfa_authenticate")):
        return client.post(reverse("mfa_authenticate"), {"code": current_code(secret)}, **extra)
    return response
