"""How many messages a person, and a submission's conversation, take in a while (the project's one
windowed-limit mechanism, dlcurriculum/rate_window.py). Run inside add_comment's lock on the submission,
so concurrent posts to one conversation are counted one after the other.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from capstones.models import Comment
from dlcurriculum.rate_window import WindowLimit, first_refusal


class MessageRateLimitError(Exception):
    """Too many messages in a short while; the message says when to try again."""


def check_message_rate(author, submission_id: int, now: datetime) -> None:
    refusal = first_refusal(
        [
            WindowLimit(
                settings.CAPSTONE_MESSAGES_PER_USER,
                lambda since: Comment.objects.filter(author=author, created_at__gte=since).count(),
                "You have sent {most} messages in the last {minutes} minutes, the most we take in that time. "
                "Wait a few minutes and send it again: your text is kept below.",
            ),
            WindowLimit(
                settings.CAPSTONE_MESSAGES_PER_SUBMISSION,
                lambda since: Comment.objects.filter(
                    iteration__submission_id=submission_id, created_at__gte=since
                ).count(),
                "This conversation had {most} messages in the last {minutes} minutes, the most it takes in that "
                "time. Wait a few minutes and send it again: your text is kept below.",
            ),
        ],
        window_seconds=settings.CAPSTONE_MESSAGE_WINDOW_SECONDS,
        now=now,
    )
    if refusal:
        raise MessageRateLimitError(refusal)
