"""Bytes of an upload in, a notebook (or a message a learner can act on) out.

Lenient like Jupyter: a notebook Jupyter opens is read, and what does not follow
the format is repaired with nbformat's own upgrade and normalise functions or
reported as a note (see :func:`load_notes`), never refused. Only files that are
not notebooks at all (not JSON, no cells, empty) or that exceed the limits are
refused. Every limit is checked before the step it protects.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import warnings
from typing import TYPE_CHECKING

# nbformat is imported where it is used: the import takes over a second (its jsonschema builds
# grammars), and most processes that load this package through the URL conf never read a notebook.
if TYPE_CHECKING:
    import nbformat

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Real notebooks have hundreds of cells; thousands are a generated file nobody can review.
MAX_CELLS = 5_000
# JSON nested deeper than this is no notebook (it would only exhaust the stack of later steps).
MAX_DEPTH = 64
# `int()` refuses more digits than this (CPython's guard against quadratic conversion).
_MAX_INT_DIGITS = 4_300
_TOP_LEVEL_KEYS = {"cells", "metadata", "nbformat", "nbformat_minor"}
_CELL_KEYS = {"id", "cell_type", "metadata", "source", "attachments", "outputs", "execution_count"}
_LONE_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class NotebookError(ValueError):
    """The file is not a notebook we can accept; the message says why, for the learner."""


def load_notes(notebook) -> list[str]:
    """What loading noticed (format problems repaired or tolerated), for the report."""
    return list(getattr(notebook, "__dict__", {}).get("load_notes", []))


def too_large_message(size: int, limit: int) -> str:
    return (
        f"The file is {_megabytes(size)}; notebooks may be at most {_megabytes(limit)}. "
        "Clear large outputs (Edit › Clear outputs of the biggest cells) and upload it again."
    )


def load_notebook(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> nbformat.NotebookNode:
    if len(data) > max_bytes:
        raise NotebookError(too_large_message(len(data), max_bytes))
    if not data.strip():
        raise NotebookError("The file is empty.")
    # Counted in the bytes, before parsing builds an object per cell.
    if data.count(b'"cell_type"') > MAX_CELLS * 2:
        raise NotebookError(_too_many_cells(data.count(b'"cell_type"')))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotebookError("The file is not text (UTF-8 JSON): is it really an .ipynb notebook?") from None
    raw = _parse_json(text)
    notes: list[str] = []
    if _LONE_SURROGATE_ESCAPE.search(text):
        raw, replaced = _replace_lone_surrogates(raw)
        if replaced:
            notes.append(f"{replaced} text value(s) held broken characters (lone surrogates); they were replaced by �.")
    _check_shape(raw)
    notebook = _upgrade(raw, notes)
    if not isinstance(notebook.get("cells"), list):
        raise NotebookError("The notebook has no list of cells, so it cannot be read.")
    if len(notebook.cells) > MAX_CELLS:
        raise NotebookError(_too_many_cells(len(notebook.cells)))
    _validate(notebook, notes)
    if not any(isinstance(cell, dict) and _source(cell).strip() for cell in notebook.cells):
        raise NotebookError("The notebook is empty: it has no cell with any content.")
    object.__setattr__(notebook, "load_notes", notes)  # beside the notebook's keys, never one of them
    return notebook


def _too_many_cells(count: int) -> str:
    return (
        f"The notebook has {count:,} cells; the automatic check reads at most {MAX_CELLS:,}. "
        "Merge small cells (or split the project into several notebooks) and upload it again."
    )


def _parse_int(digits: str):
    # A number too long for int() is kept as a float (inf): the notebook is still read.
    return int(digits) if len(digits.lstrip("-")) <= _MAX_INT_DIGITS else float(digits)


def _parse_json(text: str):
    try:
        raw = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). "
            "A Jupyter notebook is a JSON file; upload the .ipynb that Jupyter saved."
        ) from None
    except RecursionError:
        raise NotebookError(_too_deep()) from None
    except ValueError as exc:
        raise NotebookError(f"The file is not valid JSON: {_first_line(str(exc))}") from None
    if _depth_exceeds(raw, MAX_DEPTH):
        raise NotebookError(_too_deep())
    return raw


def _too_deep() -> str:
    return (
        f"The file's JSON is nested more than {MAX_DEPTH} levels deep, which no Jupyter notebook is. "
        "Upload the .ipynb that Jupyter saved."
    )


def _depth_exceeds(value, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values() if isinstance(child, (dict, list)))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item if isinstance(child, (dict, list)))
    return False


def _replace_lone_surrogates(value):
    """The same JSON value with every lone surrogate replaced (they cannot be stored or shown)."""
    replaced = 0

    def fix(text: str) -> str:
        nonlocal replaced
        new, count = _LONE_SURROGATE.subn("\ufffd", text)
        replaced += bool(count)
        return new

    root = [value]
    stack = [(root, 0)]
    while stack:
        container, key = stack.pop()
        item = container[key]
        if isinstance(item, str):
            container[key] = fix(item)
        elif isinstance(item, list):
            stack.extend((item, i) for i in range(len(item)))
        elif isinstance(item, dict):
            for k in list(item):
                if isinstance(k, str) and _LONE_SURROGATE.search(k):
                    item[fix(k)] = item.pop(k)
            stack.extend((item, k) for k in item)
    return root[0], replaced


def _check_shape(raw) -> None:
    if not isinstance(raw, dict) or "nbformat" not in raw or ("cells" not in raw and "worksheets" not in raw):
        raise NotebookError(
            "The file is JSON but not a Jupyter notebook (it has no 'nbformat' and 'cells'). "
            "Upload the .ipynb file Jupyter saved."
        )
    version = raw.get("nbformat")
    if not isinstance(version, int) or isinstance(version, bool):
        raise NotebookError("The notebook's 'nbformat' version is not a number, so it cannot be read.")
    if version > 4:
        raise NotebookError(f"The notebook format version {version} is newer than this site understands (4).")
    if version < 1:
        raise NotebookError(f"The notebook format version {version} does not exist.")


@contextlib.contextmanager
def _quiet():
    """nbformat logs a whole invalid notebook and warns on stderr: neither belongs in our logs."""
    from traitlets.log import get_logger

    loggers = {get_logger(), logging.getLogger("traitlets"), logging.getLogger("nbformat")}
    silence = _Silence()
    for logger in loggers:
        logger.addFilter(silence)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger in loggers:
            logger.removeFilter(silence)


class _Silence(logging.Filter):
    def filter(self, record):
        return False


def _upgrade(raw: dict, notes: list[str]) -> nbformat.NotebookNode:
    import nbformat

    version = raw["nbformat"]
    minor = raw.get("nbformat_minor")
    with _quiet():
        try:
            # nbformat's own reading: multi-line strings joined, transient values dropped.
            notebook = nbformat.versions[version].to_notebook_json(raw, minor=minor if isinstance(minor, int) else 0)
        except Exception:  # noqa: BLE001 - odd shapes (a list of numbers as source...) are read below instead
            notebook = nbformat.from_dict(raw)
            _rejoin(notebook)
        if version < 4:
            try:
                notebook = nbformat.convert(notebook, 4)
            except Exception as exc:  # noqa: BLE001 - nbformat's converters raise assorted errors on odd input
                raise NotebookError(
                    f"The notebook uses the old format version {version} and could not be upgraded "
                    f"({_first_line(str(exc))}). Open it in a current Jupyter and save it to upgrade it."
                ) from None
            notes.append(f"The notebook uses the old format version {version}; it was upgraded to version 4.")
    return notebook


def _rejoin(notebook) -> None:
    """Sources as strings, for notebooks too odd for nbformat's own `rejoin_lines`."""
    cells = notebook.get("cells") if isinstance(notebook.get("cells"), list) else []
    for cell in cells:
        if isinstance(cell, dict) and isinstance(cell.get("source"), list):
            cell["source"] = "".join(part for part in cell["source"] if isinstance(part, str))


def _validate(notebook: nbformat.NotebookNode, notes: list[str]) -> None:
    """Repair what nbformat can repair; note what is left. Never refuses."""
    import nbformat

    with _quiet():
        error = _first_error(notebook)
        if error is None:
            return
        extra = sorted(k for k in notebook if k not in _TOP_LEVEL_KEYS)
        for key in extra:
            del notebook[key]
        extra_in_cells = _drop_unknown_cell_keys(notebook)
        minor = notebook.get("nbformat_minor")
        has_ids = any(isinstance(c, dict) and "id" in c for c in notebook.cells)
        if isinstance(minor, int) and minor < 5 and has_ids:
            # Cell ids came with format 4.5: upgrading keeps a 4.4 file with ids valid.
            with contextlib.suppress(Exception):  # odd cells (not objects) stay as they are, with a note
                nbformat.v4.upgrade(notebook, from_version=4, from_minor=minor)
        else:
            _normalise_in_place(notebook, strip=False)
        error = _first_error(notebook)
        if error is not None:
            _normalise_in_place(notebook, strip=True)
            error = _first_error(notebook)
    repaired = [f"extra top-level key {k!r} dropped" for k in extra]
    repaired += [f"unknown cell key {k!r} dropped" for k in extra_in_cells]
    if error is None:
        details = f" ({'; '.join(repaired)})" if repaired else ""
        notes.append(f"The notebook did not quite follow the Jupyter notebook format and was repaired{details}.")
    else:
        notes.append(
            f"The notebook does not quite follow the Jupyter notebook format ({error}); it was checked anyway."
        )


def _drop_unknown_cell_keys(notebook) -> list[str]:
    """Keys a tool added to cells (e.g. `idx_`): Jupyter ignores them, the schema does not."""
    dropped: set[str] = set()
    for cell in notebook.cells:
        if isinstance(cell, dict):
            for key in [k for k in cell if k not in _CELL_KEYS]:
                del cell[key]
                dropped.add(key)
    return sorted(dropped)[:5]


def _normalise_in_place(notebook, *, strip: bool) -> None:
    import nbformat

    try:
        _changes, normal = nbformat.validator.normalize(notebook, strip_invalid_metadata=strip)
    except Exception:  # noqa: BLE001 - normalising is a best effort; the note says what is left
        return
    notebook.clear()
    notebook.update(nbformat.from_dict(normal))


def _first_error(notebook) -> str | None:
    import nbformat

    try:
        fast = nbformat.validator.get_validator(version=4, version_minor=_minor(notebook))
        if fast is None or next(iter(fast.iter_errors(notebook)), None) is None:
            return None
        # jsonschema is slower but says where the problem is.
        validator = nbformat.validator.get_validator(version=4, version_minor=_minor(notebook), name="jsonschema")
        error = next(iter(validator.iter_errors(notebook)), None) if validator else None
    except RecursionError:
        return "nested too deeply to validate"
    except Exception as exc:  # noqa: BLE001 - a schema check that fails is itself a format problem
        return _first_line(str(exc))
    if error is None:
        return None
    where = "/".join(str(p) for p in getattr(error, "absolute_path", []) or [])
    if getattr(error, "validator", "") in ("oneOf", "anyOf"):
        # jsonschema's message repeats the whole value; say what is wrong instead.
        message = "does not match any of the shapes the format allows"
    else:
        message = _first_line(error.message)[:200]
    return (f"at {where}: " if where else "") + message


def _minor(notebook) -> int:
    minor = notebook.get("nbformat_minor")
    return minor if isinstance(minor, int) and 0 <= minor <= 5 else 5


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def _first_line(text: str) -> str:
    return (text or "").strip().splitlines()[0][:300] if (text or "").strip() else "unknown error"


def _source(cell) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        return "".join(s for s in source if isinstance(s, str))
    return source if isinstance(source, str) else ""
