"""The current code of an authenticator app, computed as the app does (allauth's own TOTP helpers)."""

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

from .factories import TOTP_SECRET


def current_code(secret: str = TOTP_SECRET) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def pass_second_factor(client, response, secret: str = TOTP_SECRET, **extra):
    """After a sign-in's first step, answer allauth's second-factor stage with the app's current code
    (when there is one: learners have none) and return that response."""
    from django.urls import reverse

    if response.status_code == 302 and response.url.startswith(reverse("mfa_authenticate")):
        return client.post(reverse("mfa_authenticate"), {"code": current_code(secret)}, **extra)
    return response
