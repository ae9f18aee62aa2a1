"""Where a person is signed in: the sessions allauth.usersessions records at each sign-in, listed on
the profile, and ended one by one or all but this one.

Who is signed in is decided by the database's session row (users.backends), not by Redis: ending a
session deletes that row (and the cached copy, when Redis answers), so a session ended while Redis
was unreachable signs nobody in when Redis comes back with its old copy. The list reads the same
rows, so it never shows a session that no longer signs anyone in.

Changing or resetting the password and adding a second factor end every other session (signals).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db import models
from django.utils import timezone

from .devices import device_name


@dataclass(frozen=True)
class SignedInSession:
    pk: int
    device: str
    ip: str
    signed_in_at: datetime
    last_seen_at: datetime
    is_current: bool


def _alive(user_id: int):
    live_rows = Session.objects.filter(session_key=models.OuterRef("session_key"), expire_date__gt=timezone.now())
    return UserSession.objects.filter(user_id=user_id).filter(models.Exists(live_rows))


def signed_in_sessions(user, current_session_key: str | None) -> list[SignedInSession]:
    """The user's live sessions, this one first, then the most recently used. 1 query."""
    rows = _alive(user.pk).order_by("-last_seen_at", "-pk")
    sessions = [
        SignedInSession(
            pk=row.pk,
            device=device_name(row.user_agent),
            ip=row.ip,
            signed_in_at=row.created_at,
            last_seen_at=row.last_seen_at,
            is_current=row.session_key == current_session_key,
        )
        for row in rows
    ]
    return sorted(sessions, key=lambda s: not s.is_current)


def end_session(user, session_pk: int, *, current_session_key: str | None) -> bool:
    """End one of the user's other sessions; False when it is not theirs, already over or this one."""
    row = UserSession.objects.filter(user_id=user.pk, pk=session_pk).first()
    if row is None or row.session_key == current_session_key:
        return False
    row.end()
    return True


def end_other_sessions(user, *, current_session_key: str | None) -> int:
    """End every session of the user but ``current_session_key`` (None: all of them)."""
    ended = 0
    for row in UserSession.objects.filter(user_id=user.pk).exclude(session_key=current_session_key or ""):
        row.end()
        ended += 1
    return ended


def export_rows(user) -> list[dict]:
    return [
        {
            "device": device_name(row.user_agent),
            "user_agent": row.user_agent,
            "ip": row.ip,
            "signed_in_at": row.created_at.isoformat(),
            "last_seen_at": row.last_seen_at.isoformat(),
        }
        for row in UserSession.objects.filter(user_id=user.pk).order_by("created_at", "pk")
    ]
