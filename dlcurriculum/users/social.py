"""Sign in with GitHub (allauth.socialaccount): who GitHub may sign in as.

A GitHub sign-in links to an existing account only through an address that *both* sides verified:
GitHub says it confirmed the address, and the account here confirmed it too. allauth by default
accepts an address the account here never confirmed (and then wipes its password); here that is
refused instead, so an address someone typed into a sign-up form and never confirmed cannot be used
to reach an account, and nobody's password is wiped by a stranger's GitHub login.

A GitHub login whose addresses belong to an account here but did not link (not verified on both
sides) does not create a second account for the same person either: it is sent to the sign-in page
with the way to connect GitHub from the profile.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect

from .models import User

ALREADY_AN_ACCOUNT = (
    "An account here already uses an address of that GitHub account, and it was not confirmed on both "
    "sides, so GitHub was not linked to it. Sign in to that account (with its password or a sign-in "
    "code), then connect GitHub from your profile."
)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        """Without GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET the feature is off: its pages are not found
        (allauth would answer with a server error)."""
        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist:
            raise Http404("Sign-in with this provider is not set up here.") from None

    def authenticate_by_email(self, sociallogin):
        """(user, address) for an address GitHub verified that is a verified address of an account here."""
        for address in sociallogin.email_addresses:
            if not (address.verified and self.can_authenticate_by_email(sociallogin, address.email)):
                continue
            owner = (
                EmailAddress.objects.filter(email__iexact=address.email, verified=True).select_related("user").first()
            )
            if owner is not None and owner.user.is_active:
                return owner.user, owner.email
        return None

    def populate_user(self, request, sociallogin, data):
        """A new account is named as on GitHub (its name, else its login), never by its e-mail address."""
        user = super().populate_user(request, sociallogin, data)
        extra = sociallogin.account.extra_data or {}
        user.name = " ".join(str(extra.get("name") or extra.get("login") or "").split())[:150]
        return user

    def pre_social_login(self, request, sociallogin):
        """Every sign-in through GitHub counts against the sign-in rate limit of the client (the
        address ALLAUTH_TRUSTED_PROXY_COUNT gives), as a password sign-in does."""
        # The callback is a GET, which allauth's public helper never limits; its internal one can
        # (django-allauth is pinned: tests/users/test_github.py fails if this changes).
        if ratelimit.consume(request, app="allauth.account", action="login", limit_get=True) is None:
            raise ImmediateHttpResponse(ratelimit.handler429(request))
        super().pre_social_login(request, sociallogin)
        if sociallogin.is_existing or sociallogin.state.get("process") == AuthProcess.CONNECT:
            return
        addresses = [a.email for a in sociallogin.email_addresses]
        if sociallogin.user and sociallogin.user.email:
            addresses.append(sociallogin.user.email)
        taken = any(
            EmailAddress.objects.filter(email__iexact=address).exists()
            or User.objects.filter(email__iexact=address).exists()
            for address in addresses
        )
        if taken:
            messages.error(request, ALREADY_AN_ACCOUNT)
            raise ImmediateHttpResponse(redirect("account_login"))
