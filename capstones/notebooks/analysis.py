"""What a notebook uses and how it is written: the rules checked, what breaks them, a verdict."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from .families import Family, families
from .load import _source, load_notes
from .names import STAR_NAME, Tracker, Use
from .prose import count_words
from .rules import VIOLATION_NOTE, Facts, Rule, Verdict, check_all

if TYPE_CHECKING:
    import nbformat  # only named in annotations; imported by load.py when a notebook is read

DEFAULT_FORBIDDEN = frozenset({"fastai", "keras"})
DEFAULT_ALLOWED = frozenset({"torch", "tensorflow", "mxnet"})

# Import names of deep learning frameworks worth naming in a report.
KNOWN_FRAMEWORKS = frozenset(
    {
        "torch",
        "tensorflow",
        "mxnet",
        "jax",
        "flax",
        "haiku",
        "optax",
        "keras",
        "fastai",
        "pytorch_lightning",
        "lightning",
        "paddle",
        "chainer",
        "theano",
        "cntk",
        "caffe",
        "caffe2",
        "onnx",
        "sklearn",
        "xgboost",
        "lightgbm",
        "transformers",
        "trax",
        "tf_keras",
        "ignite",
    }
)

# Below this many markdown words per code cell the prose probably does not explain every step.
MIN_WORDS_PER_CODE_CELL = 15
# Cells longer than this are not read (a mentor looks instead): the work per notebook stays bounded.
MAX_CELL_LINES = 20_000
MAX_CELL_CHARS = 500_000
# Budgets for the whole notebook: past them code is not read (and says so), prose is not counted further.
MAX_CODE_CHARS = 2_000_000
MAX_PROSE_CHARS = 5_000_000
# How many places a report lists per library (the counts cover all of them).
PLACES_SHOWN = 5
# How many cell numbers a note lists before "and N more".
CELLS_NAMED = 10


@dataclass(frozen=True)
class Finding:
    library: str
    cell: int  # 1-based position among all cells, as Jupyter shows them
    line: int  # 1-based line within the cell
    how: str  # import, attribute, star import, dynamic import, install, ...
    code: str
    name: str = ""  # the library as people call it ("Keras")

    def describe(self) -> str:
        return f"{self.name or self.library} ({self.how}) in cell {self.cell}, line {self.line}: {self.code}"


@dataclass
class LibraryUse:
    """Every use of one library (or one wrapper of it), counted, with the first few places."""

    library: str
    name: str
    cells: int = 0
    uses: int = 0
    places: list[Finding] = field(default_factory=list)
    instead: str = ""
    reason: str = ""  # for a wrapper: why it needs a look
    wrapper: str = ""


@dataclass
class Analysis:
    verdict: str
    frameworks: list[str]
    imports: list[str]
    violations: list[Finding]
    cells: int
    code_cells: int
    markdown_cells: int
    raw_cells: int
    markdown_words: int
    code_lines: int
    executed_code_cells: int
    unparsable_cells: list[int]
    notes: list[str] = field(default_factory=list)
    libraries: list[LibraryUse] = field(default_factory=list)
    attention: list[LibraryUse] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    # Code cells that did not run, and those whose execution count breaks the rising order (first few of each).
    unrun_cells: list[int] = field(default_factory=list)
    out_of_order_cells: list[int] = field(default_factory=list)
    out_of_order_count: int = 0

    @property
    def verdict_label(self) -> str:
        return Verdict.LABELS[self.verdict]

    @property
    def words_per_code_cell(self) -> float:
        return round(self.markdown_words / self.code_cells, 1) if self.code_cells else float(self.markdown_words)

    @property
    def prose_share(self) -> float:
        """Markdown cells as a share of markdown and code cells (0..1)."""
        total = self.markdown_cells + self.code_cells
        return round(self.markdown_cells / total, 2) if total else 0.0

    @property
    def executed(self) -> bool:
        return self.code_cells > 0 and self.executed_code_cells == self.code_cells

    @property
    def in_order(self) -> bool:
        """Whether the cells that ran did so from top to bottom (no execution count out of order)."""
        return self.out_of_order_count == 0

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(
            verdict_label=self.verdict_label,
            words_per_code_cell=self.words_per_code_cell,
            prose_share=self.prose_share,
            executed=self.executed,
            in_order=self.in_order,
        )
        return data


def notes_besides_violations(notes: list[str]) -> list[str]:
    """The notes that do not repeat a violation (for displays that list violations on their own)."""
    return [note for note in notes if not note.startswith(f"{VIOLATION_NOTE} ")]


class _Tally:
    def __init__(self, family: Family, wrapper=None):
        self.use = LibraryUse(
            library=family.module,
            name=family.label,
            instead=family.instead,
            reason=wrapper.reason if wrapper else "",
            wrapper=wrapper.pattern if wrapper else "",
        )
        self.last_cell = 0
        self.direct: list[Finding] = []
        self.indirect: list[Finding] = []

    def add(self, use: Use) -> None:
        self.use.uses += 1
        if use.cell != self.last_cell:
            self.use.cells += 1
            self.last_cell = use.cell
        place = Finding(use.family.module, use.cell, use.line, use.how, use.code, use.family.label)
        # A name that came in through a star import (`pd` from fastai's) says less than an import or an attribute.
        kept = self.indirect if use.how == STAR_NAME else self.direct
        if len(kept) < PLACES_SHOWN:
            kept.append(place)

    def result(self) -> LibraryUse:
        self.use.places = sorted(
            self.direct + self.indirect[: PLACES_SHOWN - len(self.direct)], key=lambda f: (f.cell, f.line)
        )
        return self.use


@dataclass
class _Counts:
    code: int = 0
    markdown: int = 0
    raw: int = 0
    words: int = 0
    code_lines: int = 0
    executed: int = 0
    unrun: list[int] = field(default_factory=list)
    # (cell position, execution count) of every code cell with a positive count, in cell order.
    counts: list[tuple[int, float]] = field(default_factory=list)
    unparsable: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    too_long: list[int] = field(default_factory=list)
    code_chars: int = 0
    prose_chars: int = 0


def _positive_count(cell: dict) -> float | None:
    """The cell's execution count when it shows the cell ran (a number above 0), else None.

    Jupyter saves ``null`` for a cell never run, and some tools (nbstripout's options, exporters,
    templates) save ``0``: neither means the cell ran. A count too long for ``int()`` arrives as a float.
    """
    count = cell.get("execution_count")
    if isinstance(count, bool) or not isinstance(count, int | float) or not count > 0:
        return None
    return count


def out_of_order(counts: list[tuple[int, float]]) -> list[int]:
    """The cells that ran out of order: those outside the longest run of counts rising in cell order.

    A cell run again later (count 12 between 2 and 3) is the one named, not every cell below it;
    a kernel restarted half-way names the shorter part; between equally long runs the upper cells
    are kept (so of two cells with count 1 the lower is named). O(n log n) over the counted cells.
    """
    # Read from the bottom with the counts negated: a rising run read upwards, whose ties keep the upper cells.
    values = [-count for _, count in reversed(counts)]
    tails: list[float] = []  # tails[k]: smallest last value of a rising run of length k + 1
    tail_at: list[int] = []  # index into values of that last value
    before: list[int] = [-1] * len(values)  # the previous index of the run ending at each index
    for index, value in enumerate(values):
        length = bisect_left(tails, value)
        if length == len(tails):
            tails.append(value)
            tail_at.append(index)
        else:
            tails[length] = value
            tail_at[length] = index
        before[index] = tail_at[length - 1] if length else -1
    kept = set()
    index = tail_at[-1] if tail_at else -1
    while index >= 0:
        kept.add(len(values) - 1 - index)
        index = before[index]
    return [position for index, (position, _) in enumerate(counts) if index not in kept]


def _read_code_cell(position: int, cell: dict, source: str, tracker: Tracker, counts: _Counts, tallies: dict) -> None:
    count = _positive_count(cell)
    if count is not None:
        counts.counts.append((position, count))
    if count is not None or cell.get("outputs"):
        counts.executed += 1
    else:
        counts.unrun.append(position)
    lines = source.count("\n") + 1
    if lines > MAX_CELL_LINES or len(source) > MAX_CELL_CHARS or counts.code_chars > MAX_CODE_CHARS:
        counts.too_long.append(position)
        return
    counts.code_chars += len(source)
    counts.code_lines += sum(1 for ln in source.splitlines() if ln.strip() and not ln.lstrip().startswith("#"))
    reading = tracker.read(position, source)
    if reading.error:
        counts.unparsable.append(position)
        counts.errors.append(reading.error)
    for use in reading.uses:
        key = (use.family.module, use.wrapper.pattern if use.wrapper else "")
        tally = tallies.get(key) or tallies.setdefault(key, _Tally(use.family, use.wrapper))
        tally.add(use)


def analyse(
    notebook: nbformat.NotebookNode,
    *,
    forbidden: Iterable[str | Family] = DEFAULT_FORBIDDEN,
    allowed: Iterable[str | Family] = DEFAULT_ALLOWED,
    known: Mapping[str, Family] | None = None,
) -> Analysis:
    """Check the notebook against the rules.

    ``forbidden`` and ``allowed`` name libraries by import name (or give them as
    :class:`Family`); ``known`` describes the families behind those names (the
    curriculum's data), so that ``keras`` also means ``tf.keras`` and ``tf_keras``.
    """
    forbidden_families = families(forbidden, dict(known or {}))
    allowed_families = families(allowed, dict(known or {}))
    tracker = Tracker(forbidden_families)
    counts = _Counts()
    tallies: dict[tuple[str, str], _Tally] = {}
    cells = notebook.get("cells") if isinstance(notebook.get("cells"), list) else []

    for position, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            counts.raw += 1
            continue
        source = _source(cell)
        kind = cell.get("cell_type")
        if kind == "markdown":
            counts.markdown += 1
            if counts.prose_chars < MAX_PROSE_CHARS:
                counts.prose_chars += min(len(source), MAX_CELL_CHARS)
                counts.words += count_words(source[:MAX_CELL_CHARS])
            continue
        if kind != "code":
            counts.raw += 1
            continue
        if not source.strip():
            continue
        counts.code += 1
        _read_code_cell(position, cell, source, tracker, counts, tallies)

    libraries = [t.result() for (_, wrapper), t in sorted(tallies.items()) if not wrapper]
    attention = [t.result() for (_, wrapper), t in sorted(tallies.items()) if wrapper]
    top_imports = {path.split(".")[0] for path in tracker.import_paths}
    allowed_used = sorted(f.module for f in allowed_families if any(f.matches(path) for path in tracker.import_paths))
    frameworks = sorted(
        {m for m in top_imports if m in KNOWN_FRAMEWORKS}
        | {f.module for f in forbidden_families if f.module in top_imports}
        | set(allowed_used)
        | {u.library for u in libraries}
    )
    disordered = out_of_order(counts.counts)
    checked = check_all(
        Facts(
            forbidden=forbidden_families,
            allowed=allowed_families,
            libraries=libraries,
            attention=attention,
            allowed_used=allowed_used,
            code_cells=counts.code,
            markdown_cells=counts.markdown,
            words=counts.words,
            min_words=MIN_WORDS_PER_CODE_CELL,
            executed=counts.executed,
            unrun=counts.unrun,
            out_of_order=disordered,
            counted=len(counts.counts),
            unparsable=counts.unparsable,
            first_error=counts.errors[0] if counts.errors else "",
            too_long=counts.too_long,
            max_lines=MAX_CELL_LINES,
            load_notes=load_notes(notebook),
        )
    )
    return Analysis(
        verdict=checked.verdict,
        frameworks=frameworks,
        imports=sorted(top_imports),
        violations=[place for library in libraries for place in library.places],
        cells=len(cells),
        code_cells=counts.code,
        markdown_cells=counts.markdown,
        raw_cells=counts.raw,
        markdown_words=counts.words,
        code_lines=counts.code_lines,
        executed_code_cells=counts.executed,
        unparsable_cells=counts.unparsable[:CELLS_NAMED],
        notes=checked.notes,
        libraries=libraries,
        attention=attention,
        rules=checked.rules,
        unrun_cells=counts.unrun[:CELLS_NAMED],
        out_of_order_cells=disordered[:CELLS_NAMED],
        out_of_order_count=len(disordered),
    )
