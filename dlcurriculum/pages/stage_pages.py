"""The curriculum's pages (the overview and one page per stage), composed here from the curriculum
(stages), the learner's progress (progress) and their capstones (capstones): each feature returns
plain data, this module puts it side by side and renders one template."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render

from capstones.selectors import CapstoneStatus, capstone_status_for
from progress import selectors as progress_selectors
from progress.completion import StageCompletion
from progress.models import Status
from stages import selectors as stage_selectors
from stages.models import Resource, Stage
from stages.outline import outline

from .selectors import approved_stage_ids


@dataclass(frozen=True)
class StageCard:
    stage: Stage
    completion: StageCompletion | None  # None for a visitor


@dataclass(frozen=True)
class ResourceRow:
    resource: Resource
    progress: progress_selectors.ResourceState | None  # None for a visitor


def stage_overview(request):
    """Every stage with the learner's completion, a capstone stage complete once its capstone is approved
    (2 queries for a learner: progress, capstones)."""
    stages = list(stage_selectors.stage_overview())
    completions = {}
    if request.user.is_authenticated:
        approved = approved_stage_ids(capstone_status_for(request.user), outline())
        completions = progress_selectors.overview_progress(request.user, approved)
    cards = [StageCard(stage=stage, completion=completions.get(stage.pk)) for stage in stages]
    return render(request, "pages/stage_overview.html", {"cards": cards})


def _has_capstone(stage: Stage) -> bool:
    return stage.pk in outline().capstone_hours


def stage_detail(request, slug):
    """One stage: its resources with the learner's state of each, their Continue target and completion,
    and for a capstone stage the learner's capstone (read only there)."""
    stage = stage_selectors.stage_detail(slug)
    resources = list(stage.resources.all())
    context = {"stage": stage, "rows": [ResourceRow(resource=r, progress=None) for r in resources]}
    if request.user.is_authenticated:
        statuses: list[CapstoneStatus] = capstone_status_for(request.user) if _has_capstone(stage) else []
        progress = progress_selectors.stage_progress(
            request.user, stage.pk, approved_stage_ids(statuses, outline()) if statuses else ()
        )
        context.update(
            progress=progress,
            rows=[ResourceRow(resource=r, progress=progress.resources.get(r.pk)) for r in resources],
            progress_status_choices=Status.choices,
            # The brief's actions follow the learner's capstone: once approved, the portfolio, not a new submission.
            capstone_status=next((c for c in statuses if c.stage_slug == stage.slug), None),
        )
    return render(request, "pages/stage_detail.html", context)
