"""The curriculum's outline: stages and resources with their titles and order, without
the long texts. Shared by every dashboard, the stage pages' previous/next links and the
reminder digests."""

from dataclasses import dataclass

from dlcurriculum.shared_reads import SharedRead

from .models import Resource, Stage


@dataclass(frozen=True)
class Outline:
    stages: list[Stage]  # in curriculum order
    resources: list[Resource]  # in curriculum order, each with its ``stage`` set


def _build() -> Outline:
    stages = list(Stage.objects.only("id", "order", "slug", "title").order_by("order"))
    stage_by_id = {s.pk: s for s in stages}
    resources = list(
        Resource.objects.only("id", "stage_id", "order", "title", "created_at", "optional", "effort_hours").order_by(
            "stage__order", "order"
        )
    )
    for resource in resources:
        resource.stage = stage_by_id[resource.stage_id]
    return Outline(stages=stages, resources=resources)


CURRICULUM_OUTLINE = SharedRead("curriculum-outline:v2", _build, models=["stages.Stage", "stages.Resource"])


def outline() -> Outline:
    """The outline: from the cache, or 2 queries."""
    return CURRICULUM_OUTLINE.get()
