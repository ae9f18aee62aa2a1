"""Writes to the curriculum."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

import reversion
from django.db import transaction
from django.db.models import Max

from . import curriculum as cur
from .models import CapstoneBrief, Framework, ProjectIdea, Resource, RubricCriterion, RubricLevel, SeededKey, Stage


@dataclass
class LoadReport:
    counts: Counter = field(default_factory=Counter)

    def add(self, model: str, outcome: str) -> None:
        self.counts[(model, outcome)] += 1

    def changed(self) -> bool:
        return any(n for (_, outcome), n in self.counts.items() if outcome in ("created", "updated"))

    def lines(self) -> list[str]:
        models = sorted({m for m, _ in self.counts})
        lines = []
        for model in models:
            parts = [f"{n} {outcome}" for (m, outcome), n in sorted(self.counts.items()) if m == model and n]
            lines.append(f"{model}: {', '.join(parts)}")
        return lines


class _Loader:
    """Create what is missing; overwrite existing rows only with ``update``.

    A row the loader created once and an admin deleted later stays deleted
    unless ``update`` is given: ``SeededKey`` remembers what was created.
    """

    def __init__(self, update: bool):
        self.update = update
        self.report = LoadReport()
        self.seeded = set(SeededKey.objects.values_list("model", "key"))

    def _upsert(self, model_cls, label: str, key: str, lookup: dict, values: dict):
        """Return the row for ``lookup`` (or None when an admin deleted it) and record what happened."""
        obj = model_cls.objects.filter(**lookup).first()
        if obj is None:
            if (label, key) in self.seeded and not self.update:
                self.report.add(label, "kept deleted")
                return None
            obj = model_cls(**lookup, **values)
            obj.full_clean(validate_unique=False, validate_constraints=False)
            obj.save()
            SeededKey.objects.get_or_create(model=label, key=key)
            self.report.add(label, "created")
            return obj
        if self.update:
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            if changed:
                for name in changed:
                    setattr(obj, name, values[name])
                obj.full_clean(validate_unique=False, validate_constraints=False)
                obj.save()
                self.report.add(label, "updated")
                return obj
        self.report.add(label, "unchanged")
        return obj

    def frameworks(self, frameworks):
        by_module = {}
        for fw in frameworks:
            obj = self._upsert(
                Framework,
                "framework",
                fw.module,
                {"module": fw.module},
                {
                    "name": fw.name,
                    "url": fw.url,
                    "family": list(fw.family),
                    "instead": fw.instead,
                    "wrappers": [{"pattern": w.pattern, "reason": w.reason} for w in fw.wrappers],
                },
            )
            if obj is not None:
                by_module[fw.module] = obj
        # Briefs may refer to frameworks the file defines but an admin deleted.
        by_module.update({f.module: f for f in Framework.objects.exclude(module__in=by_module)})
        return by_module

    def stage(self, data: cur.StageData):
        values = {"order": data.order, "title": data.title, "summary": data.summary, "body": data.body}
        if not Stage.objects.filter(slug=data.slug).exists() and Stage.objects.filter(order=data.order).exists():
            # An admin put another stage at this position: append instead of failing.
            values["order"] = (Stage.objects.aggregate(m=Max("order"))["m"] or 0) + 1
        return self._upsert(Stage, "stage", data.slug, {"slug": data.slug}, values)

    def resource(self, stage: Stage, data: cur.ResourceData):
        values = {
            "stage": stage,
            "order": data.order,
            "title": data.title,
            "url": data.url,
            "kind": data.kind,
            "authors": data.authors,
            "description": data.description,
            "optional": data.optional,
            "cost": data.cost,
            **_effort_values(data.effort),
        }
        exists = Resource.objects.filter(key=data.key).exists()
        if not exists and Resource.objects.filter(stage=stage, order=data.order).exists():
            values["order"] = (stage.resources.aggregate(m=Max("order"))["m"] or 0) + 1
        if not exists and Resource.objects.filter(stage=stage, url=data.url).exists():
            # An admin already added this link by hand; don't duplicate it.
            self.report.add("resource", "already present")
            return None
        return self._upsert(Resource, "resource", data.key, {"key": data.key}, values)

    def capstone(self, stage: Stage, data: cur.CapstoneData, frameworks: dict):
        values = {
            "stage": stage,
            "title": data.title,
            "focus": data.focus,
            "rules": data.rules,
            **_effort_values(data.effort),
        }
        is_new = not CapstoneBrief.objects.filter(key=data.key).exists()
        brief = self._upsert(CapstoneBrief, "capstone brief", data.key, {"key": data.key}, values)
        if brief is None:
            return
        if is_new or self.update:
            brief.allowed_frameworks.set([frameworks[m] for m in data.allowed if m in frameworks])
            brief.forbidden_frameworks.set([frameworks[m] for m in data.forbidden if m in frameworks])
        for idea in data.ideas:
            idea_values = {"order": idea.order, "url": idea.url}
            exists = ProjectIdea.objects.filter(brief=brief, title=idea.title).exists()
            if not exists and ProjectIdea.objects.filter(brief=brief, order=idea.order).exists():
                idea_values["order"] = (brief.ideas.aggregate(m=Max("order"))["m"] or 0) + 1
            self._upsert(
                ProjectIdea,
                "project idea",
                f"{data.key}:{idea.title}",
                {"brief": brief, "title": idea.title},
                idea_values,
            )
        for criterion in data.rubric:
            self.criterion(brief, criterion)

    def criterion(self, brief: CapstoneBrief, data: cur.CriterionData):
        """A brief loaded before rubrics existed gets its rubric here (every criterion is missing),
        so an existing database needs no data migration: ``load_curriculum`` adds them."""
        values = {"order": data.order, "title": data.title, "description": data.description}
        exists = RubricCriterion.objects.filter(brief=brief, key=data.key).exists()
        if not exists and RubricCriterion.objects.filter(brief=brief, order=data.order).exists():
            values["order"] = (brief.criteria.aggregate(m=Max("order"))["m"] or 0) + 1
        key = f"{brief.key}:{data.key}"
        criterion = self._upsert(RubricCriterion, "rubric criterion", key, {"brief": brief, "key": data.key}, values)
        if criterion is None:
            return
        for level in data.levels:
            level_values = {"order": level.order, "description": level.description}
            exists = RubricLevel.objects.filter(criterion=criterion, label=level.label).exists()
            if not exists and RubricLevel.objects.filter(criterion=criterion, order=level.order).exists():
                level_values["order"] = (criterion.levels.aggregate(m=Max("order"))["m"] or 0) + 1
            self._upsert(
                RubricLevel,
                "rubric level",
                f"{key}:{level.label}",
                {"criterion": criterion, "label": level.label},
                level_values,
            )


def _effort_values(effort: cur.EffortData | None) -> dict:
    if effort is None:
        return {"effort_hours": None, "effort_basis": ""}
    return {"effort_hours": Decimal(str(effort.hours)), "effort_basis": effort.basis}


def load_curriculum(curriculum: cur.Curriculum, *, update: bool = False) -> LoadReport:
    """Load ``curriculum`` into the database in one transaction; idempotent."""
    with transaction.atomic(), reversion.create_revision():
        reversion.set_comment("Loaded from the curriculum file.")
        loader = _Loader(update=update)
        frameworks = loader.frameworks(curriculum.frameworks)
        for stage_data in curriculum.stages:
            stage = loader.stage(stage_data)
            if stage is None:
                continue
            for resource_data in stage_data.resources:
                loader.resource(stage, resource_data)
            if stage_data.capstone:
                loader.capstone(stage, stage_data.capstone, frameworks)
    return loader.report
