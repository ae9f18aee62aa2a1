"""How many messages a person, and a submission's conversation, take in a while.

Counted from the comments themselves (no cache): exact, the same on every web process, and it holds
while Redis is down. Run inside add_comment's lock on the submission, so concurrent posts to one
conversation are counted one after the other.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from capstones.models import Comment


class MessageRateLimitError(Exception):
    """Too many messages in a short while; the message says when to try again."""


def check_message_rate(author, submission_id: int, now: datetime) -> None:
    window = settings.CAPSTONE_MESSAGE_WINDOW_SECONDS
    since = now - timedelta(seconds=window)
    minutes = max(1, round(window / 60))
    per_user = settings.CAPSTONE_MESSAGES_PER_USER
    if Comment.objects.filter(author=author, created_at__gte=since).count() >= per_user:
        raise MessageRateLimitError(
            f"You have sent {per_user} messages in the last {minutes} minutes, the most we take in that time. "
            "Wait a few minutes and send it again: your text is kept below."
        )
    per_submission = settings.CAPSTONE_MESSAGES_PER_SUBMISSION
    if Comment.objects.filter(iteration__submission_id=submission_id, created_at__gte=since).count() >= per_submission:
        raise MessageRateLimitError(
            f"This conversation had {per_submission} messages in the last {minutes} minutes, the most it takes "
            "in that time. Wait a few minutes and send it again: your text is kept below."
        )
