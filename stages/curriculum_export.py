"""The curriculum as it is in the database, in the curriculum file's terms (the reverse of the loader)."""

from pathlib import Path

from . import curriculum as cur
from . import curriculum_file
from .models import CapstoneBrief, Framework, Stage


def current_curriculum() -> cur.Curriculum:
    """Everything an admin may have edited, read in a fixed number of queries."""
    frameworks = tuple(
        cur.FrameworkData(
            name=f.name,
            module=f.module,
            url=f.url,
            family=tuple(f.family),
            instead=f.instead,
            wrappers=tuple(cur.WrapperData(pattern=w["pattern"], reason=w["reason"]) for w in f.wrappers),
        )
        for f in Framework.objects.order_by("pk")
    )
    briefs = {
        brief.stage_id: brief
        for brief in CapstoneBrief.objects.prefetch_related(
            "allowed_frameworks", "forbidden_frameworks", "ideas", "criteria__levels"
        )
    }
    stages = []
    for stage in Stage.objects.prefetch_related("resources").order_by("order"):
        resources = tuple(
            cur.ResourceData(
                key=r.key,
                order=position,
                title=r.title,
                url=r.url,
                kind=r.kind,
                authors=r.authors,
                description=r.description.strip(),
                optional=r.optional,
                cost=r.cost,
                effort=_effort(r),
            )
            for position, r in enumerate(sorted(stage.resources.all(), key=lambda r: r.order), start=1)
        )
        stages.append(
            cur.StageData(
                slug=stage.slug,
                order=stage.order,
                title=stage.title,
                summary=stage.summary,
                body=stage.body.strip(),
                resources=resources,
                capstone=_capstone(briefs.get(stage.pk)),
            )
        )
    return cur.Curriculum(frameworks=frameworks, stages=tuple(stages))


def _capstone(brief) -> cur.CapstoneData | None:
    if brief is None:
        return None
    return cur.CapstoneData(
        key=brief.key,
        title=brief.title,
        focus=brief.focus,
        rules=brief.rules.strip(),
        allowed=tuple(f.module for f in sorted(brief.allowed_frameworks.all(), key=lambda f: f.pk)),
        forbidden=tuple(f.module for f in sorted(brief.forbidden_frameworks.all(), key=lambda f: f.pk)),
        ideas=tuple(
            cur.IdeaData(order=position, title=idea.title, url=idea.url)
            for position, idea in enumerate(sorted(brief.ideas.all(), key=lambda i: i.order), start=1)
        ),
        effort=_effort(brief),
        rubric=tuple(
            cur.CriterionData(
                key=c.key,
                order=position,
                title=c.title,
                description=c.description.strip(),
                levels=tuple(
                    cur.LevelData(order=n, label=level.label, description=level.description)
                    for n, level in enumerate(sorted(c.levels.all(), key=lambda lv: lv.order), start=1)
                ),
            )
            for position, c in enumerate(sorted(brief.criteria.all(), key=lambda c: c.order), start=1)
        ),
    )


def _effort(obj) -> cur.EffortData | None:
    if obj.effort_hours is None:
        return None
    return cur.EffortData(hours=float(obj.effort_hours), basis=obj.effort_basis)


def export_text(base: Path | None = cur.DEFAULT_PATH) -> str:
    """The database's curriculum written into ``base`` (by default the shipped file), keeping its
    comments and layout so the export diffs as the edits; ``base=None`` writes a fresh file."""
    curriculum = current_curriculum()
    if base is None:
        return cur.dump(curriculum)
    return curriculum_file.update(base.read_text(encoding="utf-8"), curriculum)
