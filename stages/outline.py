"""The curriculum's outline: stages and resources with their titles and order, without
the long texts. Shared by every dashboard, the stage pages' previous/next links and the
reminder digests."""

import uuid
from dataclasses import dataclass, field

from dlcurriculum.shared_reads import SharedRead

from .models import CapstoneBrief, Resource, Stage


@dataclass(frozen=True)
class Outline:
    stages: list[Stage]  # in curriculum order
    resources: list[Resource]  # in curriculum order, each with its ``stage`` set
    # The stages with a capstone, each with the capstone's estimated hours (0 without an estimate).
    capstone_hours: dict[int, float] = field(default_factory=dict)
    # New with every build, that is after every change: what is cached from an outline keys on it.
    token: str = field(default_factory=lambda: uuid.uuid4().hex)


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
    capstone_hours = {
        stage_id: float(hours or 0) for stage_id, hours in CapstoneBrief.objects.values_list("stage_id", "effort_hours")
    }
    return Outline(stages=stages, resources=resources, capstone_hours=capstone_hours)


CURRICULUM_OUTLINE = SharedRead(
    "curriculum-outline:v3", _build, models=["stages.Stage", "stages.Resource", "stages.CapstoneBrief"]
)


def outline() -> Outline:
    """The outline: from the cache, or 3 queries."""
    return CURRICULUM_OUTLINE.get()


def outline_with_token() -> tuple[Outline, str]:
    """The outline and the token of that build: new after every change of stages, resources or
    capstone briefs, so what is cached from the outline keys on it (1 cache round trip)."""
    return CURRICULUM_OUTLINE.get_with_token()


def outline_token_key() -> str:
    """The cache key of the outline's token, to read it together with an entry that keys on it."""
    return CURRICULUM_OUTLINE.token_key
