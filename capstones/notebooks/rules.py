"""The rules a notebook is checked against, each stated in the report with its outcome.

Every rule gives a status (with its label) and, when it is not met, a note the
learner can act on. The verdict follows from the statuses alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .analysis import LibraryUse
    from .families import Family


class Verdict:
    PASS = "pass"  # noqa: S105 - a verdict, not a password
    ATTENTION = "attention"
    BREAKS_RULES = "breaks_rules"

    LABELS = {PASS: "Pass", ATTENTION: "Needs attention", BREAKS_RULES: "Breaks the rules"}


class Status:
    MET = "met"
    NOTE = "note"  # met, with something worth knowing
    ATTENTION = "attention"
    BROKEN = "broken"

    LABELS = {MET: "Met", NOTE: "Met, with a note", ATTENTION: "Needs attention", BROKEN: "Broken"}


@dataclass
class Rule:
    rule: str
    label: str
    status: str
    status_label: str = ""
    detail: str = ""

    def __post_init__(self):
        self.status_label = Status.LABELS[self.status]


@dataclass
class Facts:
    forbidden: tuple[Family, ...]
    allowed: tuple[Family, ...]
    libraries: list[LibraryUse]
    attention: list[LibraryUse]
    allowed_used: list[str]
    code_cells: int
    markdown_cells: int
    words: int
    min_words: int
    executed: int
    unrun: list[int]  # positions of the code cells that did not run
    out_of_order: list[int]  # positions of the cells whose execution count breaks the rising order
    counted: int  # code cells with a positive execution count (the ones whose order is known)
    unparsable: list[int]
    first_error: str
    too_long: list[int]
    max_lines: int
    load_notes: list[str] = field(default_factory=list)


@dataclass
class Checked:
    verdict: str
    rules: list[Rule]
    notes: list[str]


VIOLATION_NOTE = "Forbidden library"


def check_all(facts: Facts) -> Checked:
    rules: list[Rule] = []
    notes: list[str] = []
    for check in (_format, _forbidden, _wrappers, _allowed, _prose, _executed, _python, _size):
        rule, rule_notes = check(facts)
        if rule is not None:
            rules.append(rule)
        notes.extend(rule_notes)
    statuses = {rule.status for rule in rules}
    if Status.BROKEN in statuses:
        verdict = Verdict.BREAKS_RULES
    elif Status.ATTENTION in statuses:
        verdict = Verdict.ATTENTION
    else:
        verdict = Verdict.PASS
    return Checked(verdict, rules, notes)


def cell_list(cells: list[int], limit: int = 10) -> str:
    named = ", ".join(str(c) for c in cells[:limit])
    return named + (f" and {len(cells) - limit} more" if len(cells) > limit else "")


def _place(finding) -> str:
    return f"cell {finding.cell}, line {finding.line}: {finding.code}"


def _format(f: Facts):
    rule = Rule("format", "The file follows the Jupyter notebook format", Status.NOTE if f.load_notes else Status.MET)
    return rule, list(f.load_notes)


def _forbidden(f: Facts):
    if not f.forbidden:
        return None, []
    label = "No forbidden library is used: " + "; ".join(family.describe() for family in f.forbidden)
    if not f.libraries:
        return Rule("forbidden", label, Status.MET), []
    notes = []
    for use in f.libraries:
        cells = "1 cell" if use.cells == 1 else f"{use.cells} cells"
        first = "; ".join(_place(p) for p in use.places)
        text = f"{VIOLATION_NOTE} {use.name} is used in {cells} ({use.uses} places). First: {first}."
        if use.instead:
            text += f" Use {use.instead} instead."
        notes.append(text)
    names = ", ".join(use.name for use in f.libraries)
    return Rule("forbidden", label, Status.BROKEN, detail=f"Used: {names}."), notes


def _wrappers(f: Facts):
    wrappers = [w for family in f.forbidden for w in family.wrappers]
    if not wrappers:
        return None, []
    label = "No high-level wrapper that builds forbidden models: " + ", ".join(w.pattern for w in wrappers)
    if not f.attention:
        return Rule("wrappers", label, Status.MET), []
    notes = []
    for use in f.attention:
        first = "; ".join(_place(p) for p in use.places)
        notes.append(
            f"{use.wrapper} needs a look: {use.reason} Used in {use.cells} cell{'s' if use.cells != 1 else ''}. "
            f"First: {first}."
        )
    return Rule("wrappers", label, Status.ATTENTION, detail=", ".join(u.wrapper for u in f.attention)), notes


def _allowed(f: Facts):
    if not f.allowed:
        return None, []
    names = ", ".join(family.label for family in f.allowed)
    label = f"An allowed framework is used ({names})"
    if f.code_cells == 0:
        return Rule("allowed", label, Status.ATTENTION, detail="No code."), ["The notebook has no code."]
    if f.allowed_used:
        return Rule("allowed", label, Status.MET, detail=", ".join(f.allowed_used)), []
    modules = ", ".join(sorted(family.module for family in f.allowed))
    return (
        Rule("allowed", label, Status.ATTENTION),
        [f"No allowed framework is imported (expected one of: {modules})."],
    )


def _prose(f: Facts):
    label = f"Prose explains the code (at least {f.min_words} words of markdown per code cell)"
    if not f.code_cells:
        return Rule("prose", label, Status.MET), []
    if f.markdown_cells == 0:
        return Rule("prose", label, Status.ATTENTION), [
            "There is no prose: the notebook has no markdown cell explaining the steps."
        ]
    if f.words / f.code_cells < f.min_words:
        note = (
            f"Little prose: {f.words} words of markdown for {f.code_cells} code cells "
            f"(every step should be explained; aim for at least {f.min_words} words per code cell)."
        )
        return Rule("prose", label, Status.ATTENTION, detail=f"{f.words} words"), [note]
    return Rule("prose", label, Status.MET, detail=f"{f.words} words"), []


def _executed(f: Facts):
    label = (
        "Every code cell was run, from top to bottom "
        "(a positive execution count or an output; counts rising in cell order)"
    )
    if not f.code_cells:
        return Rule("executed", label, Status.MET), []
    notes = []
    if f.executed == 0:
        notes.append(
            f"0 of {f.code_cells} code cells were run: none has an execution count above 0 or an output. "
            "Run the notebook from the top (Restart & Run All) and save it before uploading."
        )
    elif f.unrun:
        notes.append(
            f"{len(f.unrun)} of {f.code_cells} code cells were not run (no execution count and no output): "
            f"{_cells(f.unrun)}."
        )
    if f.out_of_order:
        counts = "its execution count breaks" if len(f.out_of_order) == 1 else "their execution counts break"
        notes.append(
            f"{_cells(f.out_of_order).capitalize()} ran out of order: {counts} "
            "the rising order of the cells around them, so the saved outputs "
            "may not be what running the notebook from the top gives (restart the kernel, run all cells, "
            "and save before uploading)."
        )
    detail = f"Ran {f.executed} of {f.code_cells} code cells"
    if f.out_of_order:
        detail += f"; {_cells(f.out_of_order)} out of order"
    elif f.counted:
        detail += ", in order"
    return Rule("executed", label, Status.ATTENTION if notes else Status.MET, detail=detail), notes


def _cells(cells: list[int]) -> str:
    """'cell 3', "cells 3 and 7", or "cells 3, 7, 9 and 2 more" (positions among all cells, as Jupyter shows them)."""
    if len(cells) == 1:
        return f"cell {cells[0]}"
    if len(cells) == 2:
        return f"cells {cells[0]} and {cells[1]}"
    return f"cells {cell_list(cells)}"


def _python(f: Facts):
    label = "Every code cell is valid Python (after IPython's magics)"
    if not f.unparsable:
        return Rule("python", label, Status.MET), []
    which = cell_list(f.unparsable)
    cells = "Cell" if len(f.unparsable) == 1 else "Cells"
    verb = "is" if len(f.unparsable) == 1 else "are"
    note = (
        f"{cells} {which} {verb} not valid Python even after IPython's magics are expanded "
        f"(first problem: {f.first_error}); the rest of the code was still checked."
    )
    return Rule("python", label, Status.ATTENTION, detail=which), [note]


def _size(f: Facts):
    label = f"Every code cell is small enough to check automatically (at most {f.max_lines:,} lines)"
    if not f.too_long:
        return Rule("size", label, Status.MET), []
    note = (
        f"Too large to check automatically: cell {cell_list(f.too_long)} (a mentor will look at it). "
        "Splitting a long cell into smaller ones lets the check read it."
    )
    return Rule("size", label, Status.ATTENTION, detail=cell_list(f.too_long)), [note]
