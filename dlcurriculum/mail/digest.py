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

# One vocabulary of statuses with the progress pages (also Django-free).
from progress.completion import DONE, FINISHED, IN_PROGRESS, NOT_STARTED, SKIPPED  # noqa: F401


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

    @property
    def stage_by_id(self) -> dict[int, StageInfo]:
        return {s.id: s for s in self.stages}


@dataclass
class StageLine:
    stage: StageInfo
    total: int = 0
    done: int = 0
    skipped: int = 0
    in_progress: int = 0

    @property
    def finished(self) -> bool:
        return self.total > 0 and self.done + self.skipped == self.total

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
    """``statuses`` maps resource id to the learner's status; a missing id is "not started"."""
    lines = {s.id: StageLine(s) for s in curriculum.stages}
    started_stages = {r.stage_id for r in curriculum.resources if statuses.get(r.id, NOT_STARTED) != NOT_STARTED}
    new_resources = []
    for r in curriculum.resources:
        status = statuses.get(r.id, NOT_STARTED)
        line = lines.get(r.stage_id)
        if line is None:
            continue
        if r.stage_id in started_stages and status == NOT_STARTED and r.created_at > last_visit:
            new_resources.append((line.stage, r))
        if r.optional:
            continue
        line.total += 1
        line.done += status == DONE
        line.skipped += status == SKIPPED
        line.in_progress += status == IN_PROGRESS
    next_up = next_stage = None
    for line in lines.values():
        if line.total and not line.finished:
            next_stage = line.stage
            next_up = next(
                r
                for r in curriculum.resources
                if r.stage_id == line.stage.id and not r.optional and statuses.get(r.id, NOT_STARTED) not in FINISHED
            )
            break
    return Digest(lines=list(lines.values()), next_up=next_up, next_stage=next_stage, new_resources=new_resources)
