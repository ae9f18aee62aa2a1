"""Reads of the curriculum. Each returns everything a page needs in a constant number of queries."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import CapstoneBrief, Resource, Stage
from .outline import outline


def stage_overview() -> QuerySet[Stage]:
    return (
        Stage.objects.select_related("capstone")
        .annotate(
            resource_count=Count("resources", filter=Q(resources__optional=False), distinct=True),
            optional_count=Count("resources", filter=Q(resources__optional=True), distinct=True),
        )
        .order_by("order")
    )


def stage_detail(slug: str) -> Stage:
    briefs = CapstoneBrief.objects.prefetch_related("allowed_frameworks", "forbidden_frameworks", "ideas")
    queryset = Stage.objects.prefetch_related(
        Prefetch("resources", queryset=Resource.objects.select_related("link_status").order_by("order")),
        Prefetch("capstone", queryset=briefs),
    )
    stage = get_object_or_404(queryset, slug=slug)
    # The neighbours for "previous / next stage" links, from the cached outline.
    stages = outline().stages
    stage.previous_stage = next((s for s in reversed(stages) if s.order < stage.order), None)
    stage.next_stage = next((s for s in stages if s.order > stage.order), None)
    return stage
