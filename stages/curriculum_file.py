"""Writing a curriculum into an existing curriculum file so that the file diffs cleanly.

``curriculum.dump`` writes a fresh file: right for a new curriculum, but against the committed
``stages/data/curriculum.yaml`` it rewrote every line (its comments dropped, flow lists and
quotes restyled), so an export could not be reviewed as a diff. Here the existing file is read
with ruamel.yaml's round-trip loader and only the values that differ are replaced: comments,
key order, flow style, quoting and block scalars of everything unchanged stay byte for byte.
Items are matched by what identifies them (a framework by module, a stage by slug, a resource or
capstone by key, an idea by title, a wrapper by pattern, a rubric criterion by key, its level by
label), so a reorder moves items rather than rewriting them. Pure: text in, text out, no Django.
"""

from __future__ import annotations

import io

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from . import curriculum as cur

# What identifies an item of each list (by the list's key in its parent).
IDENTITY = {
    "frameworks": "module",
    "stages": "slug",
    "resources": "key",
    "ideas": "title",
    "wrappers": "pattern",
    "rubric": "key",
    "levels": "label",
}


def _yaml() -> YAML:
    # The committed file's own layout: two-space maps, lists indented under their key.
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line that did not change
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def update(original_text: str, curriculum: cur.Curriculum) -> str:
    """``curriculum`` written into ``original_text``: ``parse`` of the result is ``curriculum``, and
    ``update(text, parse(text)) == text``. A file that is not a curriculum gets a fresh dump."""
    try:
        document = _yaml().load(original_text)
    except YAMLError:
        return cur.dump(curriculum)
    if not isinstance(document, CommentedMap):
        return cur.dump(curriculum)
    wanted = cur.as_document(curriculum)
    _merge_map(document, wanted)
    out = io.StringIO()
    _yaml().dump(document, out)
    return out.getvalue()


def _merge_map(old: CommentedMap, new: dict) -> None:
    for key in [k for k in old if k not in new]:
        del old[key]
    for key, value in new.items():
        old[key] = _merged(old[key], value, key) if key in old else _fresh(value)


def _merged(old, new, key):
    if isinstance(new, dict) and isinstance(old, CommentedMap):
        _merge_map(old, new)
        return old
    if isinstance(new, list) and isinstance(old, CommentedSeq):
        return _merged_list(old, new, key)
    return _merged_scalar(old, new)


def _merged_list(old: CommentedSeq, new: list, key) -> CommentedSeq:
    identity = IDENTITY.get(key)
    if identity and all(isinstance(item, dict) for item in new):
        by_id = {item.get(identity): item for item in old if isinstance(item, CommentedMap)}
        same_order = [item.get(identity) for item in old if isinstance(item, CommentedMap)] == [
            item[identity] for item in new
        ]
        if same_order:  # in place, so comments attached to positions stay with their items
            for item, wanted in zip(old, new, strict=True):
                _merge_map(item, wanted)
            return old
        # A new item in a list of one-line items (ideas, rubric levels) is written on one line too.
        flow = bool(old) and all(isinstance(item, CommentedMap) and item.fa.flow_style() for item in old)
        items = []
        for wanted in new:
            existing = by_id.get(wanted[identity])
            if existing is not None:
                _merge_map(existing, wanted)
                items.append(existing)
            else:
                item = _fresh(wanted)
                if flow:
                    item.fa.set_flow_style()
                items.append(item)
        seq = CommentedSeq(items)
        _copy_style(old, seq)
        return seq
    if list(old) == new:
        return old
    seq = CommentedSeq([_merged_scalar(o, n) for o, n in zip(old, new, strict=False)] + new[len(old) :])
    _copy_style(old, seq)
    return seq


def _copy_style(old: CommentedSeq, seq: CommentedSeq) -> None:
    if old.fa.flow_style():
        seq.fa.set_flow_style()


def _merged_scalar(old, new):
    if isinstance(old, str) and isinstance(new, str):
        if old.rstrip("\n") == new.rstrip("\n"):
            return old
        for style in (LiteralScalarString, FoldedScalarString, DoubleQuotedScalarString, SingleQuotedScalarString):
            if isinstance(old, style):
                if style in (LiteralScalarString, FoldedScalarString) and "\n" not in new.rstrip("\n"):
                    # A block scalar that became one line: a literal block keeps it readable.
                    return LiteralScalarString(new if new.endswith("\n") else new + "\n")
                return style(new)
        return _fresh(new)
    if old == new and isinstance(old, type(new)):  # ruamel's ScalarFloat is a float
        return old
    return _fresh(new)


def _fresh(value):
    """A value the file did not have, styled as ``dump`` styles it."""
    if isinstance(value, dict):
        return CommentedMap((k, _fresh(v)) for k, v in value.items())
    if isinstance(value, list):
        return CommentedSeq(_fresh(v) for v in value)
    if isinstance(value, str):
        if "\n" in value:  # dump's blocks (bodies, rules, descriptions) end with a line break
            return LiteralScalarString(value if value.endswith("\n") else value + "\n")
        if value.startswith("http") or _reads_back_as_another_type(value):
            return DoubleQuotedScalarString(value)
        return str(value)
    return value


_STR_TAG = "tag:yaml.org,2002:str"


def _reads_back_as_another_type(text: str) -> bool:
    """``parse`` reads the file with PyYAML (YAML 1.1), where a plain ``No``, ``on``, ``1.0`` or ``null`` is
    not text; ruamel writes YAML 1.2 and would leave them plain, so a level labelled "No" came back a bool."""
    return pyyaml.resolver.Resolver().resolve(pyyaml.ScalarNode, text, (True, False)) != _STR_TAG
