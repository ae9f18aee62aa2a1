"""The curriculum's framework data (file and `Framework` rows) as the notebook check's families.

Both the curriculum file's entries and the ``Framework`` rows carry the same
fields (name, module, family, instead, wrappers); either becomes a
:class:`~capstones.notebooks.Family` here, so the check itself stays data-driven.
"""

from __future__ import annotations

import functools

from stages import curriculum

from .notebooks import Family, Wrapper


def as_family(framework) -> Family:
    wrappers = []
    for wrapper in getattr(framework, "wrappers", None) or ():
        pattern = wrapper.get("pattern") if isinstance(wrapper, dict) else getattr(wrapper, "pattern", "")
        reason = wrapper.get("reason", "") if isinstance(wrapper, dict) else getattr(wrapper, "reason", "")
        if pattern:
            wrappers.append(Wrapper(pattern=str(pattern), reason=str(reason)))
    members = tuple(str(p) for p in (getattr(framework, "family", None) or ()) if p)
    return Family(
        module=framework.module,
        name=framework.name,
        members=members,
        instead=getattr(framework, "instead", "") or "",
        wrappers=tuple(wrappers),
    )


def brief_rules(brief) -> dict:
    """The forbidden and allowed families of a capstone brief, as keyword arguments of ``analyse``."""
    known = known_families()
    forbidden = [_row_family(f, known) for f in brief.forbidden_frameworks.all()]
    allowed = [_row_family(f, known) for f in brief.allowed_frameworks.all()]
    # A brief without its own list still forbids the curriculum's (never nothing at all).
    return {"forbidden": forbidden or curriculum_rules()[0], "allowed": allowed, "known": known}


def _row_family(row, known: dict[str, Family]) -> Family:
    # A row an admin added without family data falls back to the curriculum's description of its module.
    return as_family(row) if row.family or row.wrappers else known.get(row.module) or as_family(row)


def known_families() -> dict[str, Family]:
    """The curriculum file's families, overridden by the ``Framework`` rows an admin may have edited."""
    from django.db import DatabaseError

    from stages.models import Framework

    known = dict(curriculum_families())
    try:
        known.update({f.module: as_family(f) for f in Framework.objects.all() if f.family or f.wrappers})
    except DatabaseError:
        pass  # no database (or not migrated): the file alone
    return known


@functools.cache
def curriculum_families() -> dict[str, Family]:
    """Every framework of the curriculum file, by module (for callers without a database)."""
    data = curriculum.read(curriculum.DEFAULT_PATH)
    return {fw.module: as_family(fw) for fw in data.frameworks}


@functools.cache
def curriculum_rules() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(forbidden, allowed) modules of the curriculum's first capstone: the defaults of the command."""
    data = curriculum.read(curriculum.DEFAULT_PATH)
    for stage in data.stages:
        if stage.capstone is not None:
            return tuple(stage.capstone.forbidden), tuple(stage.capstone.allowed)
    return (), ()
