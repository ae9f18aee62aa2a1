"""Staff hear of repeated failed sign-ins on a staff account: one e-mail per burst, through the outbox.

A staff password is worth guessing; the per-address limit stops the guessing but also pauses the
owner's own password sign-in, and nobody would know why. Counted in the cache (a stale count while
Redis is away costs at most one extra or one missed alert); the outbox key makes the e-mail once
per quiet period even where two processes each count their own burst.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from dlcurriculum.mail.services import send_templated

from .models import User


def note_failed_sign_in(email: str, *, address: str = "") -> bool:
    """Count a failed (or refused) password sign-in for ``email``; alert once the burst is long
    enough. Returns whether an alert was queued. One indexed query; nothing for non-staff addresses."""
    user = User.objects.filter(email__iexact=(email or "").strip(), is_staff=True, is_active=True).first()
    if user is None:
        return False
    window = settings.SIGNIN_ALERT_WINDOW_SECONDS
    counter = f"signin-failures:{user.pk}"
    cache.add(counter, 0, timeout=window)
    try:
        failures = cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, timeout=window)
        failures = 1
    if failures < settings.SIGNIN_ALERT_FAILURES:
        return False
    quiet = settings.SIGNIN_ALERT_QUIET_SECONDS
    if not cache.add(f"signin-alert:{user.pk}", 1, timeout=quiet):
        return False  # this burst was reported already
    admins = User.objects.filter(is_active=True, is_superuser=True).exclude(pk=user.pk).values_list("email", flat=True)
    send_templated(
        to=[user.email, *admins],
        template="staff_signin_alert",
        context={
            "account": user,
            "failures": failures,
            "minutes": max(1, round(window / 60)),
            "address": address,
            "code_url": settings.SITE_URL + reverse("account_request_login_code"),
            "reset_url": settings.SITE_URL + reverse("account_reset_password"),
        },
        reason="staff sign-in alert",
        user=user,
        key=f"staff-signin-alert:{user.pk}:{int(time.time()) // quiet}",
    )
    return True
