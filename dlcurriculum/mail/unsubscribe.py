"""Signed unsubscribe links that work without logging in (django.core.signing)."""

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "dlcurriculum.mail.unsubscribe"


def make_token(user_id: int) -> str:
    return signing.dumps({"u": user_id}, salt=SALT)


def read_token(token: str) -> int:
    """The user id a token was made for.

    Raises ``signing.SignatureExpired`` for an old link and ``signing.BadSignature``
    for anything tampered with.
    """
    max_age = timedelta(days=settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS)
    data = signing.loads(token, salt=SALT, max_age=max_age)
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise signing.BadSignature("Unexpected payload")
    return data["u"]


def unsubscribe_url(user_id: int) -> str:
    return _url_with(make_token(user_id))


def unsubscribe_urls() -> Callable[[int], str]:
    """``unsubscribe_url`` for a run of many e-mails: the route is reversed once, not once per e-mail.

    A token is URL-safe (base64url and colons), so it goes into the path as it is.
    """
    marker = "TOKEN"
    head, _, tail = _url_with(marker).rpartition(marker)  # the last one: the site's address may hold it too
    return lambda user_id: f"{head}{make_token(user_id)}{tail}"


def _url_with(token: str) -> str:
    return settings.SITE_URL + reverse("mail:unsubscribe", kwargs={"token": token})


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail clients POST "List-Unsubscribe=One-Click" to ``url``."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
