"""What one activity e-mail shows: at most CAPSTONE_DIGEST_MAX_ITEMS updates and
CAPSTONE_DIGEST_MAX_BYTES of message text, grouped by submission, with how many were left out
(the e-mail links to the rest on the site). A flood of messages costs one e-mail of bounded size."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings


@dataclass
class Digest:
    submissions: list[dict] = field(default_factory=list)
    shown: list = field(default_factory=list)
    left_out: int = 0


def build_digest(pending: list, *, site_url: str) -> Digest:
    """``pending`` notifications in order; each shown one gets ``digest_body`` (its message text,
    cut at the byte cap when it alone is larger) and ``digest_cut`` (whether it was cut)."""
    digest = Digest()
    room = settings.CAPSTONE_DIGEST_MAX_BYTES
    for n in pending:
        if len(digest.shown) >= settings.CAPSTONE_DIGEST_MAX_ITEMS:
            break
        body = n.comment.body if n.comment_id else ""
        size = len(body.encode())
        if size > room and digest.shown:
            break
        n.digest_cut = size > room
        n.digest_body = body.encode()[:room].decode(errors="ignore") if n.digest_cut else body
        room -= min(size, room)
        digest.shown.append(n)
    digest.left_out = len(pending) - len(digest.shown)
    by_submission: dict[int, dict] = {}
    for n in digest.shown:
        entry = by_submission.setdefault(
            n.submission_id,
            {"submission": n.submission, "url": site_url + n.submission.get_absolute_url(), "items": []},
        )
        entry["items"].append(n)
    digest.submissions = list(by_submission.values())
    return digest
