"""Libraries as families: the import paths and package names that all mean one library.

Data in (from the curriculum file through the ``Framework`` model), matches out.
A pattern is a dotted import path; ``*`` stands for any run of characters, so
``keras_*`` covers ``keras_nlp`` and ``tensorflow.*.keras`` covers
``tensorflow.python.keras``. A path matches when it, or one of its parents,
matches a pattern: ``tensorflow.keras.layers.Dense`` belongs to ``tensorflow.keras``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# Longer dotted paths than this are not real code; matching stays cheap on hostile input.
MAX_PATH_CHARS = 300


@dataclass(frozen=True)
class Wrapper:
    """A library entry point known to build the family's models for you (reported, not a rule break)."""

    pattern: str
    reason: str


@dataclass(frozen=True)
class Family:
    module: str
    name: str = ""
    members: tuple[str, ...] = ()
    instead: str = ""
    wrappers: tuple[Wrapper, ...] = ()
    _paths: re.Pattern = field(init=False, repr=False, compare=False)
    _packages: re.Pattern = field(init=False, repr=False, compare=False)
    _wrappers: tuple[tuple[re.Pattern, Wrapper], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        patterns = self.patterns
        object.__setattr__(self, "_paths", _compile(patterns, tail=r"(?:\.|$)"))
        # Package names (pip, conda) are compared in their normal form: `tf-keras` is `tf_keras`.
        tops = [normal_package(p) for p in patterns if "." not in p]
        object.__setattr__(self, "_packages", _compile(tops, tail="$"))
        object.__setattr__(
            self, "_wrappers", tuple((_compile([w.pattern], tail=r"(?:\.|$)"), w) for w in self.wrappers)
        )

    @property
    def patterns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.module, *self.members)))

    @property
    def label(self) -> str:
        return self.name or self.module

    def matches(self, path: str) -> bool:
        return bool(path) and len(path) <= MAX_PATH_CHARS and self._paths.match(path) is not None

    def matches_package(self, package: str) -> bool:
        return (
            bool(package)
            and len(package) <= MAX_PATH_CHARS
            and self._packages.match(normal_package(package)) is not None
        )

    def wrapper_for(self, path: str) -> Wrapper | None:
        if not path or len(path) > MAX_PATH_CHARS:
            return None
        for pattern, wrapper in self._wrappers:
            if pattern.match(path):
                return wrapper
        return None

    def describe(self) -> str:
        """`Keras (keras, tensorflow.keras, tf_keras, keras_*)` for the list of rules checked."""
        return f"{self.label} ({', '.join(self.patterns)})"


def normal_package(name: str) -> str:
    # PEP 503 normal form, with underscores so it compares with import names.
    return re.sub(r"[-_.]+", "_", name).lower()


def _compile(patterns: Iterable[str], *, tail: str) -> re.Pattern:
    alternatives = [".*".join(re.escape(piece) for piece in p.split("*")) for p in patterns if p]
    if not alternatives:
        return re.compile(r"(?!)")
    return re.compile(rf"(?:{'|'.join(alternatives)}){tail}")


def family_of(module: str | Family, known: dict[str, Family] | None = None) -> Family:
    """The family for a module name: the one described in ``known``, else just the module and its children."""
    if isinstance(module, Family):
        return module
    return (known or {}).get(module) or Family(module=module)


def families(modules: Iterable[str | Family], known: dict[str, Family] | None = None) -> tuple[Family, ...]:
    seen: dict[str, Family] = {}
    for module in modules:
        family = family_of(module, known)
        seen.setdefault(family.module, family)
    return tuple(sorted(seen.values(), key=lambda f: f.module))


def first_match(path: str, candidates: Iterable[Family]) -> Family | None:
    for family in candidates:
        if family.matches(path):
            return family
    return None
