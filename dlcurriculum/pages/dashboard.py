"""The learner's dashboard, composed here from their progress (progress) and their capstones
(capstones), and cached whole per learner state."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from capstones.selectors import CapstoneStatus, capstone_status_for
from progress import selectors as progress_selectors
from progress.completion import StageCompletion
from progress.models import CompletionRecord
from progress.pace import Projection
from stages.models import Resource
from stages.outline import outline_token_key, outline_with_token

from .selectors import capstone_approvals, completion_record_address

# A day and a half: a learner who comes back the next day gets a new key anyway (the chart's today).
DASHBOARD_CACHE_SECONDS = 36 * 3600


@dataclass
class DashboardPage:
    """The dashboard as the page shows it: progress's cards and sections rendered once (cached with
    the rest), the capstones, the completion record, and the learner's why (read live)."""

    cards_html: str  # overall and next up
    sections_html: str  # stage bars and the activity chart
    recent: list[progress_selectors.RecentItem]  # rendered live: "3 hours ago" moves on by itself
    overall: StageCompletion
    next_up: Resource | None
    resume: Resource | None
    curriculum_complete: bool
    capstone_status: list[CapstoneStatus]
    completion_record: CompletionRecord | None
    completion_record_url: str  # its public address, once the learner made it public
    pace: Projection | None  # with a pace plan (the learner's today is in the cache key)
    why: str


def _content(user, medians) -> dict:
    """Everything but the why, as plain data ready to be cached (9 queries: progress 7, capstones 1,
    the completion record's address 1 when it is public), the outline token it was built from and
    the reported medians its pace projection counted (``medians``)."""
    curriculum, token = outline_with_token()
    capstone_status = capstone_status_for(user)
    d = progress_selectors.dashboard_in(user, curriculum, capstone_approvals(capstone_status, curriculum), medians)
    record = progress_selectors.completion_record(user)
    record_url = ""
    if record is not None and record.is_public:
        slug = completion_record_address(user)
        record_url = reverse("public_completion", kwargs={"slug": slug}) if slug else ""
    return {
        "cards_html": render_to_string("progress/_dashboard_cards.html", {"d": d}),
        "sections_html": render_to_string("progress/_dashboard_sections.html", {"d": d}),
        "recent": d.recent,
        "overall": d.overall,
        "next_up": d.next_up,
        "resume": d.resume,
        "curriculum_complete": d.curriculum_complete,
        "capstone_status": capstone_status,
        "completion_record": record,
        "completion_record_url": record_url,
        "pace": d.pace,
        "outline_token": token,
        "medians": medians,
    }


def dashboard_page(user) -> DashboardPage:
    """The learner's dashboard, from one cache round trip when nothing changed (no query beyond the
    signed-in user, who comes with their change stamp).

    The entry is keyed on the learner's change stamp (``user.changes``: every write of their
    progress, pace plan, pauses, completion record or capstone submissions bumps it, see
    dlcurriculum.users.changes), their today and time zone; it holds the outline token it was
    built from, read in the same round trip, so an edit of the curriculum makes it miss, and the
    medians of reported time its pace plan counted (read in the same round trip too): once another
    learner's answer moves a median the plan counts, it misses. Nothing cached is ever shown
    stale. The "why" is read live from the user; the recent items are rendered live ("3 hours
    ago" moves on).
    """
    today, tz = progress_selectors.learner_today_and_zone(user)
    key = f"dashboard:v7:{user.pk}:{user.changes}:{today.isoformat()}:{tz.key}"
    token_key = outline_token_key()
    medians_key = progress_selectors.REPORTED_MEDIANS.key
    found = cache.get_many([key, token_key, medians_key])
    content = found.get(key)
    medians = found[medians_key] if medians_key in found else progress_selectors.reported_medians()
    if (
        content is None
        or token_key not in found
        or content["outline_token"] != found[token_key]
        or content["medians"] != medians
    ):
        content = _content(user, medians)
        cache.set(key, content, DASHBOARD_CACHE_SECONDS)
    fields = {name: value for name, value in content.items() if name not in ("outline_token", "medians")}
    return DashboardPage(**fields, why=user.why)


@login_required
@require_GET
def dashboard(request):
    """The learner's progress with the status of each capstone, cached whole per learner state."""
    return render(request, "pages/dashboard.html", {"dashboard": dashboard_page(request.user)})
