"""What changed between two iterations (a pure core: no Django): cells added, removed and changed (sources and text
outputs), aligned by nbdime, and the automatic report's differences in words.

Plain data out: the page renders it as escaped text, so nothing from either notebook is
ever interpreted as HTML in the app's origin. No Django here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
# A diff of two huge notebooks must not make a huge page: beyond this many lines, a note.
MAX_LINES = 400
# Bounds checked before nbdime runs (its cell matching grows with the square of a cell's lines):
# each cell's source and text output are compared on their first lines only, and notebooks
# beyond these sizes are not compared at all.
MAX_CELL_LINES = 200
MAX_DIFF_CELLS = 1_000
MAX_NOTEBOOK_LINES = 10_000
# nbdime compares every changed cell of one side with every changed cell of the other: the lines
# of the cells not found unchanged on the other side, multiplied, are bounded too.
MAX_CHANGED_LINES_PRODUCT = 250_000


class TooLargeToCompareError(ValueError):
    """The two notebooks are past the bounds above; the message says so."""


@dataclass(frozen=True)
class Line:
    sign: str  # " " same, "-" removed, "+" added
    text: str


@dataclass
class CellChange:
    kind: str  # ADDED / REMOVED / CHANGED
    cell_type: str
    old_number: int | None  # 1-based, as Jupyter and the rendering count them
    new_number: int | None
    source: list[Line] = field(default_factory=list)
    outputs: list[Line] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.kind == ADDED:
            return f"Cell {self.new_number} added"
        if self.kind == REMOVED:
            return f"Cell {self.old_number} removed"
        if self.old_number != self.new_number:
            return f"Cell {self.new_number} changed (was cell {self.old_number})"
        return f"Cell {self.new_number} changed"


# Two iterations that share less than this part of their cells are another notebook, not an edit.
REPLACED_SHARE = 0.2


@dataclass
class NotebookDiff:
    cells: list[CellChange]
    truncated: bool = False
    old_count: int = 0  # cells in each notebook, to tell an edit from a replacement
    new_count: int = 0

    @property
    def differing(self) -> int:
        """Cells of the new notebook that differ from the old one, plus old cells that are gone."""
        return sum(1 for c in self.cells if c.kind != REMOVED) + max(
            0, sum(1 for c in self.cells if c.kind == REMOVED) - sum(1 for c in self.cells if c.kind == ADDED)
        )

    @property
    def replaced(self) -> bool:
        largest = max(self.old_count, self.new_count)
        return largest > 3 and largest - self.differing < REPLACED_SHARE * largest

    @property
    def summary(self) -> str:
        if self.replaced:
            largest = max(self.old_count, self.new_count)
            return f"The notebook was replaced: {min(self.differing, largest)} of {largest} cells differ"
        counts = {k: sum(1 for c in self.cells if c.kind == k) for k in (ADDED, REMOVED, CHANGED)}
        parts = [f"{n} {k}" for k, n in counts.items() if n]
        return ", ".join(parts) if parts else "No cell changed"


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")


def _lines(text: str) -> list[str]:
    return text.splitlines() or ([""] if text else [])


def text_outputs(cell) -> str:
    """A cell's outputs as text only: streams, text/plain results and error names."""
    parts = []
    for output in cell.get("outputs", []) or []:
        kind = output.get("output_type")
        if kind == "stream":
            parts.append(_text(output.get("text")))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {}) or {}
            if "text/plain" in data:
                parts.append(_text(data["text/plain"]))
        elif kind == "error":
            parts.append(f"{output.get('ename', 'Error')}: {output.get('evalue', '')}")
    return "\n".join(p.rstrip("\n") for p in parts)


def _line_diff(old: str, new: str) -> list[Line]:
    if old == new:
        return []
    from nbdime.diffing.generic import diff_sequence

    old_lines, new_lines = _lines(old), _lines(new)
    result: list[Line] = []
    position = 0
    for entry in sorted(diff_sequence(old_lines, new_lines), key=lambda e: (e["key"], e["op"] != "removerange")):
        key = entry["key"]
        result.extend(Line(" ", line) for line in old_lines[position:key])
        position = max(position, key)
        if entry["op"] == "removerange":
            result.extend(Line("-", line) for line in old_lines[key : key + entry["length"]])
            position = key + entry["length"]
        elif entry["op"] == "addrange":
            result.extend(Line("+", line) for line in entry["valuelist"])
    result.extend(Line(" ", line) for line in old_lines[position:])
    return result


def _slim(notebook) -> dict:
    """What the diff compares, bounded: each cell's type, its source and its text outputs (as one
    stream), each cut to ``MAX_CELL_LINES`` lines. Images and rich outputs never reach nbdime."""
    cells = list(notebook.get("cells", []) or [])
    if len(cells) > MAX_DIFF_CELLS:
        raise TooLargeToCompareError(f"More than {MAX_DIFF_CELLS:,} cells: too many to compare here.")
    slim, total = [], 0
    for cell in cells:
        source = _lines(_text(cell.get("source")))[:MAX_CELL_LINES]
        output = _lines(text_outputs(cell))[:MAX_CELL_LINES]
        total += len(source) + len(output)
        if total > MAX_NOTEBOOK_LINES:
            raise TooLargeToCompareError(f"More than {MAX_NOTEBOOK_LINES:,} lines: too long to compare here.")
        entry = {"cell_type": cell.get("cell_type", ""), "source": "\n".join(source), "metadata": {}}
        if isinstance(cell.get("id"), str) and len(cell["id"]) <= 64:
            # Jupyter keeps a cell's id across saves: nbdime pairs cells by it first.
            entry["id"] = cell["id"]
        if cell.get("cell_type") == "code":
            entry["outputs"] = (
                [{"output_type": "stream", "name": "stdout", "text": "\n".join(output)}] if output else []
            )
            entry["execution_count"] = None
        slim.append(entry)
    import nbformat

    return nbformat.from_dict({"cells": slim, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def _cell_key(cell) -> tuple:
    return (cell.get("cell_type"), cell.get("source"), text_outputs(cell))


def _check_changed_lines(old_cells: list, new_cells: list) -> None:
    from collections import Counter

    old_keys, new_keys = Counter(map(_cell_key, old_cells)), Counter(map(_cell_key, new_cells))

    def changed_lines(cells, other) -> int:
        return sum(
            len(_lines(c.get("source", ""))) + len(_lines(text_outputs(c))) + 1
            for c in cells
            if not other[_cell_key(c)]
        )

    if changed_lines(old_cells, new_keys) * changed_lines(new_cells, old_keys) > MAX_CHANGED_LINES_PRODUCT:
        raise TooLargeToCompareError("Too much changed at once to compare cell by cell here.")


def diff_notebooks(old, new) -> NotebookDiff:  # noqa: C901 - one walk over nbdime's cell entries
    """Cell-level differences from ``old`` to ``new`` (nbformat notebooks or plain dicts).

    Raises :class:`TooLargeToCompareError` before any comparison when either is past the bounds.
    """
    import nbdime

    old, new = _slim(old), _slim(new)
    old_cells, new_cells = list(old.get("cells", [])), list(new.get("cells", []))
    _check_changed_lines(old_cells, new_cells)
    changes: list[CellChange] = []
    cells_diff = next((e["diff"] for e in nbdime.diff_notebooks(old, new) if e["key"] == "cells"), [])
    i = j = 0

    def same_until(key: int):
        nonlocal i, j
        while i < key:
            _maybe_changed(i, j)
            i, j = i + 1, j + 1

    def _maybe_changed(a: int, b: int):
        if a >= len(old_cells) or b >= len(new_cells):
            return
        before, after = old_cells[a], new_cells[b]
        source = _line_diff(_text(before.get("source")), _text(after.get("source")))
        outputs = _line_diff(text_outputs(before), text_outputs(after))
        if source or outputs or before.get("cell_type") != after.get("cell_type"):
            changes.append(CellChange(CHANGED, after.get("cell_type", ""), a + 1, b + 1, source, outputs))

    # addrange before removerange at one key: the pointers then pass the new cells first.
    for entry in sorted(cells_diff, key=lambda e: (e["key"], {"addrange": 0, "removerange": 1}.get(e["op"], 2))):
        same_until(entry["key"])
        if entry["op"] == "addrange":
            for cell in entry["valuelist"]:
                j += 1
                changes.append(
                    CellChange(
                        ADDED,
                        cell.get("cell_type", ""),
                        None,
                        j,
                        [Line("+", line) for line in _lines(_text(cell.get("source")))],
                        [Line("+", line) for line in _lines(text_outputs(cell))],
                    )
                )
        elif entry["op"] == "removerange":
            for _ in range(entry["length"]):
                cell = old_cells[i]
                i += 1
                changes.append(
                    CellChange(
                        REMOVED,
                        cell.get("cell_type", ""),
                        i,
                        None,
                        [Line("-", line) for line in _lines(_text(cell.get("source")))],
                    )
                )
        elif entry["op"] == "patch":
            _maybe_changed(i, j)
            i, j = i + 1, j + 1
    return _bounded(NotebookDiff(changes, old_count=len(old_cells), new_count=len(new_cells)))


def _bounded(diff: NotebookDiff) -> NotebookDiff:
    budget = MAX_LINES
    for change in diff.cells:
        for name in ("source", "outputs"):
            lines = getattr(change, name)
            if len(lines) > budget:
                setattr(change, name, lines[:budget])
                diff.truncated = True
            budget = max(0, budget - len(lines))
    return diff


def report_changes(old: dict, new: dict) -> list[str]:
    """The automatic report's differences in words ("keras no longer used")."""
    old, new = old or {}, new or {}
    notes = []
    old_fw, new_fw = set(old.get("frameworks", [])), set(new.get("frameworks", []))
    notes += [f"{name} no longer used" for name in sorted(old_fw - new_fw)]
    notes += [f"{name} now used" for name in sorted(new_fw - old_fw)]
    old_bad = {v.get("library") for v in old.get("violations", [])}
    new_bad = {v.get("library") for v in new.get("violations", [])}
    notes += [f"forbidden {name} gone" for name in sorted(old_bad - new_bad) if name not in (old_fw - new_fw)]
    notes += [f"forbidden {name} appeared" for name in sorted(new_bad - old_bad) if name not in (new_fw - old_fw)]
    for key, label in (
        ("cells", "cells"),
        ("code_cells", "code cells"),
        ("executed_code_cells", "executed code cells"),
    ):
        if key in old and key in new and old[key] != new[key]:
            notes.append(f"{label}: {old[key]} → {new[key]}")
    if "markdown_words" in old and "markdown_words" in new and old["markdown_words"] != new["markdown_words"]:
        notes.append(f"words of prose: {old['markdown_words']} → {new['markdown_words']}")
    return notes


_SIGN_CLASS = {"+": "diff-add", "-": "diff-del", " ": "diff-same"}


# A run of added (or removed) cells is one block opened on the page only while it is this short:
# the first screen shows what changed, not dozens of rows to click open.
OPEN_BLOCK_LINES = 40


def _lines_html(lines: list[Line], label: str) -> str:
    from .sanitise import escape_text

    # Block spans and no newline between them: a newline inside <pre> would double every line.
    rows = "".join(
        f'<span class="diff-line {_SIGN_CLASS.get(line.sign, "diff-same")}">'
        f"{escape_text(line.sign)} {escape_text(line.text) or ' '}</span>"
        for line in lines
    )
    return f'<p class="diff-label">{label}</p><pre class="diff">{rows}</pre>'


def _blocks(cells: list[CellChange]) -> list[list[CellChange]]:
    """Consecutive added (or removed) cells as one block; every changed cell a block of its own."""
    blocks: list[list[CellChange]] = []
    for change in cells:
        if blocks and change.kind in (ADDED, REMOVED) and blocks[-1][-1].kind == change.kind:
            blocks[-1].append(change)
        else:
            blocks.append([change])
    return blocks


def _block_label(block: list[CellChange]) -> str:
    if len(block) == 1:
        return block[0].label
    numbers = [c.new_number if c.kind == ADDED else c.old_number for c in block]
    return f"Cells {numbers[0]} to {numbers[-1]} {block[0].kind} ({len(block)} cells)"


def _cell_html(change: CellChange, *, with_label: bool) -> str:
    from .sanitise import escape_text

    parts = [f'<p class="cell-diff-label">{escape_text(change.label)}</p>'] if with_label else []
    if change.source:
        parts.append(_lines_html(change.source, f"Source <small>({escape_text(change.cell_type)})</small>"))
    if change.outputs:
        parts.append(_lines_html(change.outputs, "Text output"))
    return "".join(parts)


def diff_html(diff: NotebookDiff) -> str:
    """The diff as an HTML fragment for the iteration page: every notebook text escaped, then the
    whole passed through the notebooks' own sanitiser (no script, no event handler, no style).

    Changed cells are open; runs of added or removed cells are one block each, open while short;
    two notebooks that share little are said to be a replacement in one line, the cells behind it."""
    from .sanitise import escape_text, sanitize_html

    parts = [f'<p class="diff-summary">{escape_text(diff.summary)}.</p>']
    blocks = []
    for block in _blocks(diff.cells):
        lines = sum(len(c.source) + len(c.outputs) for c in block)
        is_open = block[0].kind == CHANGED or lines <= OPEN_BLOCK_LINES
        body = "".join(_cell_html(c, with_label=len(block) > 1) for c in block)
        blocks.append(
            f'<details class="cell-diff cell-diff-{block[0].kind}"{" open" if is_open else ""}>'
            f"<summary>{escape_text(_block_label(block))}</summary>{body}</details>"
        )
    if diff.replaced:
        parts.append(f'<details class="full-diff"><summary>Show the full diff</summary>{"".join(blocks)}</details>')
    else:
        parts.extend(blocks)
    if diff.truncated:
        parts.append('<p class="truncated">The diff is cut short here; download both iterations to compare them.</p>')
    return sanitize_html("".join(parts))


def cell_excerpt(notebook, number: int, *, max_lines: int = 6, max_chars: int = 400) -> str:
    """The first lines of the ``number``-th cell (1-based) as plain text, for an e-mail that shows
    a comment beside its cell; empty when the notebook has no such cell."""
    cells = notebook.get("cells", []) or []
    if not 1 <= number <= len(cells):
        return ""
    lines = _text(cells[number - 1].get("source")).splitlines()
    excerpt = "\n".join(lines[:max_lines])[:max_chars]
    return excerpt + ("\n…" if len(lines) > max_lines or len(excerpt) == max_chars else "")
