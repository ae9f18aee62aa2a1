"""Parse and validate the curriculum file. Pure: no Django, data in, data out.

Every problem is reported with the path of the entry it concerns, e.g.
``stages[2] (deep-dive) > resources[1] (d2l): url 'ftp://x' is not an http(s) URL``.
"""

from __future__ import annotations

import re
import reprlib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

RESOURCE_KINDS = {
    "course",
    "book",
    "video",
    "playlist",
    "paper",
    "article",
    "talk",
    "repository",
    "docs",
    "notebooks",
}
COSTS = {"free", "paid", "unknown"}
MAX_EFFORT_HOURS = 2000
# A rubric is read by a mentor for every review and scored in one form: a bounded size keeps both
# (and a hostile file) small.
MAX_RUBRIC_CRITERIA = 12
MIN_RUBRIC_LEVELS = 2
MAX_RUBRIC_LEVELS = 6
SLUG_RE = re.compile(r"^[-a-z0-9_]+$")
PATTERN_RE = re.compile(r"^[A-Za-z0-9_*]+(?:\.[A-Za-z0-9_*]+)*$")


class CurriculumError(ValueError):
    """The file is malformed or invalid; the message names the entry and the problem."""


@dataclass(frozen=True)
class WrapperData:
    pattern: str
    reason: str


@dataclass(frozen=True)
class FrameworkData:
    name: str
    module: str
    url: str
    # Import paths and package names that mean this library (`*` for any characters).
    family: tuple[str, ...] = ()
    instead: str = ""
    wrappers: tuple[WrapperData, ...] = ()


@dataclass(frozen=True)
class EffortData:
    """Estimated hours of work and what the estimate rests on (the syllabus, lessons x length,
    pages at a stated reading rate, a video's length)."""

    hours: float
    basis: str


@dataclass(frozen=True)
class ResourceData:
    key: str
    order: int
    title: str
    url: str
    kind: str
    authors: str = ""
    description: str = ""
    optional: bool = False
    cost: str = "unknown"
    effort: EffortData | None = None


@dataclass(frozen=True)
class IdeaData:
    order: int
    title: str
    url: str


@dataclass(frozen=True)
class LevelData:
    """One level of a rubric criterion; a criterion's levels are listed from the weakest to the strongest."""

    order: int
    label: str
    description: str


@dataclass(frozen=True)
class CriterionData:
    """What a mentor judges a capstone on; scores refer to it by ``key``."""

    key: str
    order: int
    title: str
    levels: tuple[LevelData, ...]
    description: str = ""


@dataclass(frozen=True)
class CapstoneData:
    key: str
    title: str
    focus: str
    rules: str
    allowed: tuple[str, ...]
    forbidden: tuple[str, ...]
    ideas: tuple[IdeaData, ...]
    effort: EffortData | None = None
    rubric: tuple[CriterionData, ...] = ()


@dataclass(frozen=True)
class StageData:
    slug: str
    order: int
    title: str
    summary: str
    body: str
    resources: tuple[ResourceData, ...]
    capstone: CapstoneData | None = None


@dataclass(frozen=True)
class Curriculum:
    frameworks: tuple[FrameworkData, ...]
    stages: tuple[StageData, ...] = field(default_factory=tuple)


def is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


# Values quoted in an error are shortened: an error message never grows with what the file holds.
_short_repr = reprlib.Repr()
_short_repr.maxstring = 80
_short_repr.maxother = 80
_short_repr.maxlevel = 2
for _attr in ("maxlist", "maxtuple", "maxdict", "maxset"):
    setattr(_short_repr, _attr, 4)


def _shown(value) -> str:
    """``value`` as an error message quotes it: a repr of at most about 80 characters."""
    return _short_repr.repr(value)


class _SafeLoaderWithoutAliases(yaml.SafeLoader):
    """PyYAML's safe loader, refusing anchors and aliases as it composes, before any value is built:
    nine nested aliases in 392 bytes expand to billions of nodes ("billion laughs"). The curriculum
    file never needs them (the export writes none), so the file's size bounds the work."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise CurriculumError(
                f"line {event.start_mark.line + 1}: YAML anchors and aliases (here {_shown(event.anchor)}) "
                "are not allowed in the curriculum file; write the value out where it is used"
            )
        return super().compose_node(parent, index)


class _Reader:
    """Typed access to one mapping of the file, with error messages that name it."""

    def __init__(self, data, where: str):
        if not isinstance(data, dict):
            raise CurriculumError(f"{where}: expected a mapping, got {type(data).__name__}")
        self.data = data
        self.where = where

    def fail(self, message: str):
        raise CurriculumError(f"{self.where}: {message}")

    def text(self, name: str, *, required: bool = True, max_length: int | None = None) -> str:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                self.fail(f"'{name}' is required")
            return ""
        if not isinstance(value, str):
            self.fail(f"'{name}' must be text, got {type(value).__name__}")
        value = value.strip()
        if max_length and len(value) > max_length:
            self.fail(f"'{name}' is longer than {max_length} characters")
        return value

    def slug(self, name: str) -> str:
        value = self.text(name, max_length=80)
        if not SLUG_RE.match(value):
            self.fail(f"'{name}' {_shown(value)} must be lowercase letters, digits, '-' or '_'")
        return value

    def url(self, name: str, *, required: bool = True) -> str:
        value = self.text(name, required=required, max_length=1000)
        if value and not is_http_url(value):
            self.fail(f"'{name}' {_shown(value)} is not an http(s) URL")
        return value

    def integer(self, name: str) -> int:
        value = self.data.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.fail(f"'{name}' must be a whole number from 1, got {_shown(value)}")
        return value

    def boolean(self, name: str) -> bool:
        value = self.data.get(name, False)
        if not isinstance(value, bool):
            self.fail(f"'{name}' must be true or false, got {_shown(value)}")
        return value

    def choice(self, name: str, choices: set[str], default: str | None = None) -> str:
        value = self.data.get(name, default)
        if value not in choices:
            self.fail(f"'{name}' {_shown(value)} is not one of {', '.join(sorted(choices))}")
        return value

    def pattern_text(self, name: str) -> str:
        value = self.text(name, max_length=200)
        if not PATTERN_RE.match(value):
            self.fail(f"'{name}' {_shown(value)} must be a dotted import path, with '*' for any characters")
        return value

    def patterns(self, name: str) -> tuple[str, ...]:
        values = self.items(name)
        for value in values:
            if not isinstance(value, str) or not PATTERN_RE.match(value):
                self.fail(f"'{name}' entry {_shown(value)} must be a dotted import path, with '*' for any characters")
        return tuple(values)

    def effort(self, name: str = "effort") -> EffortData | None:
        value = self.data.get(name)
        if value is None:
            return None
        er = _Reader(value, f"{self.where} > {name}")
        hours = er.data.get("hours")
        if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= MAX_EFFORT_HOURS:
            er.fail(f"'hours' must be a number above 0 and at most {MAX_EFFORT_HOURS}, got {_shown(hours)}")
        return EffortData(hours=round(float(hours), 1), basis=er.text("basis", max_length=300))

    def items(self, name: str) -> list:
        value = self.data.get(name, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(f"'{name}' must be a list")
        return value


def _label(index: int, data, key: str) -> str:
    name = data.get(key) if isinstance(data, dict) else None
    if not name:
        return f"[{index}]"
    # The label quotes the file: shortened, as every value in an error is.
    return f"[{index}] ({name if isinstance(name, str) and len(name) <= 80 else _shown(name)})"


def parse(text: str) -> Curriculum:  # noqa: C901 - one message per mistake in the file, in file order
    try:
        raw = yaml.load(text, Loader=_SafeLoaderWithoutAliases)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise CurriculumError(f"not valid YAML: {exc}") from exc
    root = _Reader(raw, "curriculum")

    frameworks = []
    modules: set[str] = set()
    for i, item in enumerate(root.items("frameworks")):
        r = _Reader(item, f"frameworks{_label(i, item, 'module')}")
        fw = FrameworkData(
            name=r.text("name", max_length=80),
            module=r.text("module", max_length=80),
            url=r.url("url", required=False),
            family=r.patterns("family"),
            instead=r.text("instead", required=False, max_length=300),
            wrappers=tuple(
                WrapperData(pattern=w.pattern_text("pattern"), reason=w.text("reason", max_length=300))
                for j, item in enumerate(r.items("wrappers"))
                for w in [_Reader(item, f"{r.where} > wrappers[{j}]")]
            ),
        )
        if fw.module in modules:
            r.fail(f"module {_shown(fw.module)} is listed twice")
        modules.add(fw.module)
        frameworks.append(fw)

    stages = []
    seen_slugs: set[str] = set()
    seen_orders: set[int] = set()
    seen_keys: set[str] = set()
    raw_stages = root.items("stages")
    if not raw_stages:
        root.fail("'stages' must list at least one stage")
    for i, item in enumerate(raw_stages):
        where = f"stages{_label(i, item, 'slug')}"
        r = _Reader(item, where)
        slug, order = r.slug("slug"), r.integer("order")
        if slug in seen_slugs:
            r.fail(f"slug {_shown(slug)} is used twice")
        if order in seen_orders:
            r.fail(f"order {order} is used twice")
        seen_slugs.add(slug)
        seen_orders.add(order)

        resources = []
        urls: set[str] = set()
        for j, res in enumerate(r.items("resources")):
            rr = _Reader(res, f"{where} > resources{_label(j, res, 'key')}")
            resource = ResourceData(
                key=rr.slug("key"),
                order=j + 1,
                title=rr.text("title", max_length=300),
                url=rr.url("url"),
                kind=rr.choice("kind", RESOURCE_KINDS),
                authors=rr.text("authors", required=False, max_length=300),
                description=rr.text("description", required=False),
                optional=rr.boolean("optional"),
                cost=rr.choice("cost", COSTS, default="unknown"),
                effort=rr.effort(),
            )
            if resource.key in seen_keys:
                rr.fail(f"key {_shown(resource.key)} is used twice")
            if resource.url in urls:
                rr.fail(f"url {_shown(resource.url)} appears twice in this stage")
            seen_keys.add(resource.key)
            urls.add(resource.url)
            resources.append(resource)

        capstone = None
        if r.data.get("capstone") is not None:
            cr = _Reader(r.data["capstone"], f"{where} > capstone")
            allowed = tuple(cr.items("allowed"))
            forbidden = tuple(cr.items("forbidden"))
            for module in allowed + forbidden:
                if module not in modules:
                    cr.fail(f"framework {_shown(module)} is not defined under 'frameworks'")
            if set(allowed) & set(forbidden):
                cr.fail(f"{sorted(set(allowed) & set(forbidden))} are both allowed and forbidden")
            ideas = []
            for k, idea in enumerate(cr.items("ideas")):
                ir = _Reader(idea, f"{where} > capstone > ideas{_label(k, idea, 'title')}")
                ideas.append(
                    IdeaData(order=k + 1, title=ir.text("title", max_length=200), url=ir.url("url", required=False))
                )
            if len({idea.title for idea in ideas}) != len(ideas):
                cr.fail("two project ideas have the same title")
            capstone = CapstoneData(
                key=cr.slug("key"),
                title=cr.text("title", max_length=200),
                focus=cr.text("focus", max_length=200),
                rules=cr.text("rules"),
                allowed=allowed,
                forbidden=forbidden,
                ideas=tuple(ideas),
                effort=cr.effort(),
                rubric=_rubric(cr),
            )

        stages.append(
            StageData(
                slug=slug,
                order=order,
                title=r.text("title", max_length=200),
                summary=r.text("summary", max_length=500),
                body=r.text("body", required=False),
                resources=tuple(resources),
                capstone=capstone,
            )
        )
    return Curriculum(frameworks=tuple(frameworks), stages=tuple(sorted(stages, key=lambda s: s.order)))


def _rubric(capstone: _Reader) -> tuple[CriterionData, ...]:
    raw = capstone.items("rubric")
    if len(raw) > MAX_RUBRIC_CRITERIA:
        capstone.fail(f"'rubric' has {len(raw)} criteria; at most {MAX_RUBRIC_CRITERIA}")
    criteria = []
    keys: set[str] = set()
    for i, item in enumerate(raw):
        r = _Reader(item, f"{capstone.where} > rubric{_label(i, item, 'key')}")
        key = r.slug("key")
        if key in keys:
            r.fail(f"key {_shown(key)} is used twice in this rubric")
        keys.add(key)
        raw_levels = r.items("levels")
        if not MIN_RUBRIC_LEVELS <= len(raw_levels) <= MAX_RUBRIC_LEVELS:
            r.fail(
                f"'levels' must list {MIN_RUBRIC_LEVELS} to {MAX_RUBRIC_LEVELS} levels, weakest first; "
                f"it lists {len(raw_levels)}"
            )
        levels = []
        for j, level in enumerate(raw_levels):
            lr = _Reader(level, f"{r.where} > levels{_label(j, level, 'label')}")
            levels.append(
                LevelData(
                    order=j + 1,
                    label=lr.text("label", max_length=80),
                    description=lr.text("description", max_length=300),
                )
            )
        if len({level.label for level in levels}) != len(levels):
            r.fail("two levels have the same label")
        criteria.append(
            CriterionData(
                key=key,
                order=i + 1,
                title=r.text("title", max_length=200),
                description=r.text("description", required=False, max_length=1000),
                levels=tuple(levels),
            )
        )
    return tuple(criteria)


def read(path: Path) -> Curriculum:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CurriculumError(f"cannot read {path}: {exc.strerror}") from exc
    return parse(text)


DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "curriculum.yaml"


class _Block(str):
    """Text written as a YAML literal block (``|``), so Markdown keeps its line breaks in the file."""


def _block_representer(dumper: yaml.SafeDumper, value: _Block):
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style="|" if "\n" in value else None)


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Block, _block_representer)


def _framework_dict(framework: FrameworkData) -> dict:
    data = {"name": framework.name, "module": framework.module}
    if framework.url:
        data["url"] = framework.url
    if framework.family:
        data["family"] = list(framework.family)
    if framework.instead:
        data["instead"] = framework.instead
    if framework.wrappers:
        data["wrappers"] = [{"pattern": w.pattern, "reason": w.reason} for w in framework.wrappers]
    return data


def _resource_dict(resource: ResourceData) -> dict:
    data = {"key": resource.key, "title": resource.title, "url": resource.url, "kind": resource.kind}
    if resource.authors:
        data["authors"] = resource.authors
    if resource.cost != "unknown":
        data["cost"] = resource.cost
    if resource.optional:
        data["optional"] = True
    if resource.effort:
        data["effort"] = _effort_dict(resource.effort)
    if resource.description:
        data["description"] = _Block(resource.description)
    return data


def _effort_dict(effort: EffortData) -> dict:
    return {"hours": effort.hours, "basis": effort.basis}


def _capstone_dict(capstone: CapstoneData) -> dict:
    return {
        "key": capstone.key,
        "title": capstone.title,
        "focus": capstone.focus,
        "rules": _Block(capstone.rules + "\n"),
        "allowed": list(capstone.allowed),
        "forbidden": list(capstone.forbidden),
        "ideas": [{"title": idea.title, **({"url": idea.url} if idea.url else {})} for idea in capstone.ideas],
        **({"effort": _effort_dict(capstone.effort)} if capstone.effort else {}),
        **({"rubric": [_criterion_dict(c) for c in capstone.rubric]} if capstone.rubric else {}),
    }


def _criterion_dict(criterion: CriterionData) -> dict:
    data = {"key": criterion.key, "title": criterion.title}
    if criterion.description:
        data["description"] = criterion.description
    data["levels"] = [{"label": level.label, "description": level.description} for level in criterion.levels]
    return data


def _stage_dict(stage: StageData) -> dict:
    data = {"slug": stage.slug, "order": stage.order, "title": stage.title, "summary": stage.summary}
    if stage.body:
        data["body"] = _Block(stage.body + "\n")
    data["resources"] = [_resource_dict(r) for r in stage.resources]
    if stage.capstone:
        data["capstone"] = _capstone_dict(stage.capstone)
    return data


def as_document(curriculum: Curriculum) -> dict:
    """The curriculum as the file's plain data (what ``dump`` writes; ``curriculum_file`` merges it)."""
    return {
        "version": 1,
        "frameworks": [_framework_dict(f) for f in curriculum.frameworks],
        "stages": [_stage_dict(stage) for stage in curriculum.stages],
    }


def dump(curriculum: Curriculum) -> str:
    """The curriculum in the file format `parse` reads: ``parse(dump(c)) == c``.

    Resources and ideas are written in their order (the file gives order by position).
    """
    document = as_document(curriculum)
    header = (
        '# "Learning Deep Learning" by Philipp Muens (2019), as data: written by `manage.py export_curriculum`.\n'
        "# Loaded by `python manage.py load_curriculum`. Keys are stable identifiers.\n"
    )
    return header + yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
