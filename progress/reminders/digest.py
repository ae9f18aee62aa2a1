"""What a reminder says about one learner, without Django: data in, data out.

Completion follows the progress pages: optional resources are not part of a
stage's completion, a stage is finished when every core resource is done or
skipped, and "next up" is the first core resource neither done nor skipped in
the earliest unfinished stage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

# One vocabulary and one set of rules with the progress pages (also Django-free).
from progress import completion as core
from progress.completion import NOT_STARTED


@dataclass(frozen=True)
class StageInfo:
    id: int
    order: int
    slug: str
    title: str


@dataclass(frozen=True)
class ResourceInfo:
    id: int
    stage_id: int
    order: int
    title: str
    optional: bool
    created_at: datetime


@dataclass(frozen=True)
class Curriculum:
    """Stages in curriculum order; resources in stage order, then resource order."""

    stages: tuple[StageInfo, ...]
    resources: tuple[ResourceInfo, ...]

    # Worked out once per pass, not once per learner (a pass builds tens of thousands of digests).
    @cached_property
    def stage_by_id(self) -> dict[int, StageInfo]:
        return {s.id: s for s in self.stages}

    @cached_property
    def resource_by_id(self) -> dict[int, ResourceInfo]:
        return {r.id: r for r in self.resources}

    @cached_property
    def stage_order(self) -> list[int]:
        return [s.id for s in self.stages]

    @cached_property
    def completion_resources(self) -> tuple[core.ResourceInfo, ...]:
        """The resources as the progress pages' rules take them."""
        return tuple(
            core.ResourceInfo(id=r.id, stage_id=r.stage_id, order=r.order, created_at=r.created_at, optional=r.optional)
            for r in self.resources
        )


@dataclass
class StageLine:
    stage: StageInfo
    total: int = 0
    done: int = 0
    skipped: int = 0
    in_progress: int = 0

    @property
    def text(self) -> str:
        if self.total == 0:
            return "a project, no resources to track"
        if self.done == self.skipped == self.in_progress == 0:
            return f"not started ({self.total} resources)"
        parts = [f"{self.done} of {self.total} done"]
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        if self.in_progress:
            parts.append(f"{self.in_progress} in progress")
        return ", ".join(parts)


@dataclass
class Digest:
    lines: list[StageLine]
    next_up: ResourceInfo | None
    next_stage: StageInfo | None
    new_resources: list[tuple[StageInfo, ResourceInfo]] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        """Nothing left to do: no reminder."""
        return self.next_up is None


def build_digest(curriculum: Curriculum, statuses: Mapping[int, str], last_visit: datetime) -> Digest:
    """``statuses`` maps resource id to the learner's status; a missing id is "not started".

    Counts and "next up" come from the progress pages' own rules (progress.completion);
    only "new since the last visit" is the reminder's.
    """
    infos = curriculum.completion_resources
    # The pages' "new since you started the stage" is not used here, so any row date will do.
    rows = [
        core.ProgressInfo(resource_id=rid, status=status, created_at=last_visit) for rid, status in statuses.items()
    ]
    stage_order = curriculum.stage_order
    completions = core.stage_completions(stage_order, infos, rows)
    lines = []
    for stage in curriculum.stages:
        c = completions[stage.id]
        lines.append(StageLine(stage, total=c.total, done=c.done, skipped=c.skipped, in_progress=c.in_progress))

    started_stages = {r.stage_id for r in curriculum.resources if statuses.get(r.id, NOT_STARTED) != NOT_STARTED}
    stage_by_id = curriculum.stage_by_id
    new_resources = [
        (stage_by_id[r.stage_id], r)
        for r in curriculum.resources
        if r.stage_id in started_stages
        and r.stage_id in stage_by_id
        and statuses.get(r.id, NOT_STARTED) == NOT_STARTED
        and r.created_at > last_visit
    ]

    next_id = core.next_up(stage_order, infos, statuses, completions)
    next_stage_id = core.current_stage_id(stage_order, completions)
    return Digest(
        lines=lines,
        next_up=curriculum.resource_by_id.get(next_id),
        next_stage=stage_by_id.get(next_stage_id),
        new_resources=new_resources,
    )
