from allauth.account.models import EmailAddress


def verified_owners(users, email: str) -> list:
    """Those of ``users`` for whom ``email`` is a verified address."""
    verified = set(
        EmailAddress.objects.filter(
            user__in=[user.pk for user in users], email__iexact=email, verified=True
        ).values_list("user_id", flat=True)
    )
    return [user for user in users if user.pk in verified]


def account_security(user, *, current_session_key: str | None) -> dict:
    """The profile's "Sign-in and security" section: second factors, GitHub links, sessions. 3 queries."""
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount
    from django.conf import settings

    from . import second_factor, sessions

    factor_types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    return {
        "second_factor_types": sorted(factor_types),
        "has_second_factor": bool(factor_types & set(second_factor.SECOND_FACTOR_TYPES)),
        "second_factor_required": second_factor.second_factor_required(user),
        "github_enabled": settings.GITHUB_SIGN_IN_ENABLED,
        "social_accounts": list(SocialAccount.objects.filter(user=user).order_by("provider", "uid")),
        "signed_in_sessions": sessions.signed_in_sessions(user, current_session_key),
    }
