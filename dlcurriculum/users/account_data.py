"""The account's own part of the export and erasure: e-mail addresses, roles, the
"why" prompt, the admin log (an admin's actions; entries naming the person), second
factors (their kind and dates, never a secret or a recovery code), GitHub links and
the sessions the person is signed in with.

The admin log keeps a text copy of each changed object's name (``object_repr``),
which for users, submissions and comments contains the e-mail address: erasing
the account deletes the entries about the person's objects, not only theirs.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from . import lifecycle, sessions
from .models import User, WhyPromptDismissal

TABLES = {
    "email_addresses": ("email", "verified", "primary"),
    "roles": ("role",),
    "why_prompt": ("dismissed_at",),
    "admin_actions": ("action_time", "action", "object_type", "object", "change_message"),
    "second_factors": ("type", "created_at", "last_used_at"),
    "social_accounts": ("provider", "uid", "date_joined", "last_login"),
    "sessions": ("device", "user_agent", "ip", "signed_in_at", "last_seen_at"),
}
ACTIONS = {1: "added", 2: "changed", 3: "deleted"}


def _iso(value):
    return value.isoformat() if value is not None else None


def export_rows(user: User) -> dict[str, list[dict]]:
    """8 queries."""
    roles = [{"role": "learner"}]
    if user.is_mentor:
        roles.append({"role": "mentor"})
    if user.is_staff:
        roles.append({"role": "admin"})
    dismissal = WhyPromptDismissal.objects.filter(user=user).first()
    return {
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "roles": roles,
        "why_prompt": [{"dismissed_at": _iso(dismissal.dismissed_at)}] if dismissal else [],
        "admin_actions": [
            {
                "action_time": _iso(entry.action_time),
                "action": ACTIONS.get(entry.action_flag, str(entry.action_flag)),
                "object_type": entry.content_type.name if entry.content_type else "",
                "object": entry.object_repr,
                "change_message": entry.get_change_message(),
            }
            for entry in LogEntry.objects.filter(user=user).select_related("content_type").order_by("action_time")
        ],
        "second_factors": [
            {"type": a.type, "created_at": _iso(a.created_at), "last_used_at": _iso(a.last_used_at)}
            for a in Authenticator.objects.filter(user=user).order_by("created_at", "pk")
        ],
        "social_accounts": [
            {"provider": a.provider, "uid": a.uid, "date_joined": _iso(a.date_joined), "last_login": _iso(a.last_login)}
            for a in SocialAccount.objects.filter(user=user).order_by("provider", "uid")
        ],
        "sessions": sessions.export_rows(user),
    }


@transaction.atomic
def erase(user: User) -> None:
    """Admin log entries about the person (their own go with the account: CASCADE), and every session
    they are signed in with: the session rows hold no user column, so the cascade would leave them."""
    sessions.end_other_sessions(user, current_session_key=None)
    about_user = Q(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))
    naming = Q(object_repr__icontains=user.email) | Q(change_message__icontains=user.email)
    LogEntry.objects.filter(about_user | naming).delete()


def register() -> None:
    from dlcurriculum.mail import account_data as mail

    lifecycle.register(
        "users",
        tables=TABLES,
        export=export_rows,
        erase=erase,
        models={
            "account.EmailAddress.user": (("email_addresses",), lifecycle.CASCADE),
            "users.WhyPromptDismissal.user": (("why_prompt",), lifecycle.CASCADE),
            "admin.LogEntry.user": (("admin_actions",), lifecycle.ERASED),
            "mfa.Authenticator.user": (("second_factors",), lifecycle.CASCADE),
            "socialaccount.SocialAccount.user": (("social_accounts",), lifecycle.CASCADE),
            "usersessions.UserSession.user": (("sessions",), lifecycle.ERASED),
        },
    )
    # Records of e-mails sent to the person keep their address after the user row is gone.
    lifecycle.register(
        "mail",
        tables=mail.TABLES,
        export=mail.export_rows,
        erase=mail.erase,
        models={"mail.SentEmail.user": (("emails",), lifecycle.ERASED)},
    )
