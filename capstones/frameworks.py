"""The curriculum's framework data as the notebook check's families.

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
