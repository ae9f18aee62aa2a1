"""Mentors and admins sign in with a second factor (allauth.mfa), enforced in one place.

Mentors read every learner's private notebooks and admins edit what every learner follows, so a
password alone must not open those pages. The rule is one middleware instead of a check in each
view: a new review page, notebook view or admin page cannot forget it. A mentor or admin without a
second factor is sent to set one up before *any* page other than their own account pages opens;
listing the privileged pages instead would let the next one through.

A second factor is an authenticator app (TOTP) or a security key / passkey (WebAuthn); recovery
codes alone are a way back in, not a factor. Whether the signed-in user has one comes with the query
that loads them (``User.objects.with_roles``), so the check costs no query per request.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

# The kinds of authenticator that count as a second factor.
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

ENROL_MESSAGE = (
    "Mentors and admins sign in with a second factor. Set one up here (an authenticator app or a "
    "security key), then review pages, notebooks and the admin open."
)


def second_factor_required(user) -> bool:
    """Mentors (the Mentors group) and admins (staff) must have a second factor."""
    return bool(user.is_staff or user.is_mentor)


def has_second_factor(user) -> bool:
    if not hasattr(user, "_has_second_factor"):
        user._has_second_factor = Authenticator.objects.filter(user=user, type__in=SECOND_FACTOR_TYPES).exists()
    return user._has_second_factor


def must_enrol(user) -> bool:
    """Signed in with a role that needs a second factor, without one yet."""
    return bool(user.is_authenticated and second_factor_required(user) and not has_second_factor(user))


def _exempt(path: str) -> bool:
    """The pages a person needs to set up the second factor (allauth's account pages: two-factor
    setup, sign-out, password, e-mail, sessions) and static files; nothing else."""
    return path.startswith(("/accounts/", f"/{settings.STATIC_URL.lstrip('/')}"))


def exempt(view):
    """Marks a view that no session opens, so no second factor guards it: it carries its own secret
    (a calendar app fetching the learner's feed with the token in its URL). A mentor's browser that
    follows such a link with a session but no second factor gets what the app would get."""
    view.second_factor_exempt = True
    return view


def _exempt_view(path_info: str) -> bool:
    try:
        match = resolve(path_info)
    except Resolver404:
        return False
    return getattr(match.func, "second_factor_exempt", False)


class SecondFactorRequiredMiddleware:
    """Sends a mentor or admin without a second factor to the two-factor page (after
    AuthenticationMiddleware and allauth's AccountMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The URL is resolved only for a mentor or admin without a second factor (rare), not per request.
        if not _exempt(request.path) and must_enrol(request.user) and not _exempt_view(request.path_info):
            messages.warning(request, ENROL_MESSAGE)
            return redirect("mfa_index")
        return self.get_response(request)
