"""Signed unsubscribe links that work without logging in (django.core.signing), one per kind of
e-mail: a learner who stops reminders keeps hearing about their capstone's review, and the other
way round.

Each kind (``MailTopic``) is turned off by the feature that owns the preference, registered from its
``AppConfig.ready`` (``register_topic``): this module sits below every app and knows none of them.
A link made before topics existed names no topic and stops reminders, as it always did.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse

SALT = "dlcurriculum.mail.unsubscribe"


class MailTopic(models.TextChoices):
    REMINDERS = "reminders", "reminder e-mails"
    REVIEWS = "reviews", "e-mails about capstone reviews"
    GROUP_DIGEST = "group_digest", "weekly study group digests"


@dataclass(frozen=True)
class Topic:
    stop: Callable[[object], None]  # turns the topic off for a user; a second time changes nothing
    stopped_title: str  # the page's heading once stopped ("Reminders stopped")
    preferences_url_name: str  # where a signed-in person turns it back on


_TOPICS: dict[MailTopic, Topic] = {}


def register_topic(
    topic: MailTopic, *, stop: Callable[[object], None], stopped_title: str, preferences_url_name: str
) -> None:
    _TOPICS[topic] = Topic(stop=stop, stopped_title=stopped_title, preferences_url_name=preferences_url_name)


def topic(name: MailTopic) -> Topic:
    return _TOPICS[name]


def make_token(user_id: int, topic: MailTopic = MailTopic.REMINDERS) -> str:
    payload = {"u": user_id} if topic == MailTopic.REMINDERS else {"u": user_id, "t": topic.value}
    return signing.dumps(payload, salt=SALT)


def read_link(token: str) -> tuple[int, MailTopic]:
    """The user id and the kind of e-mail a token was made for (as ``read_token``)."""
    user_id = read_token(token)
    data = signing.loads(token, salt=SALT)  # verified just above
    name = data.get("t", MailTopic.REMINDERS.value)
    if name not in MailTopic.values:
        raise signing.BadSignature("Unexpected payload")
    return user_id, MailTopic(name)


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


def unsubscribe_url(user_id: int, topic: MailTopic = MailTopic.REMINDERS) -> str:
    return _url_with(make_token(user_id, topic))


def unsubscribe_urls() -> Callable[[int], str]:
    """``unsubscribe_url`` of reminders for a run of many e-mails: the route is reversed once, not once per e-mail.

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
