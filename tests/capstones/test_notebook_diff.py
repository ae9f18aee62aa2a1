"""What changed between iterations: nbdime's cell alignment, rendered as text."""

import pytest

from capstones.notebooks.diff import (
    ADDED,
    CHANGED,
    MAX_CELL_LINES,
    MAX_DIFF_CELLS,
    REMOVED,
    TooLargeToCompareError,
    cell_excerpt,
    diff_notebooks,
    report_changes,
)
from tests.capstones.notebook_builders import code, md, notebook


def test_a_changed_cell_shows_its_removed_and_added_lines():
    diff = diff_notebooks(
        notebook(md("Intro"), code("import keras\nx = 1")), notebook(md("Intro"), code("import torch\nx = 1"))
    )
    [change] = diff.cells
    assert change.kind == CHANGED
    assert [(line.sign, line.text) for line in change.source] == [
        ("-", "import keras"),
        ("+", "import torch"),
        (" ", "x = 1"),
    ]


def test_an_added_cell_is_reported_with_its_number():
    diff = diff_notebooks(notebook(md("Intro")), notebook(md("Intro"), code("print(1)")))
    assert [(c.kind, c.new_number) for c in diff.cells] == [(ADDED, 2)]


def test_a_removed_cell_is_reported_with_its_old_number():
    diff = diff_notebooks(notebook(md("Intro"), md("Gone")), notebook(md("Intro")))
    assert [(c.kind, c.old_number) for c in diff.cells] == [(REMOVED, 2)]


def test_changed_text_output_is_shown():
    from nbformat.v4 import new_output

    old = notebook(code("print(x)", outputs=[new_output("stream", text="0.91\n")]))
    new = notebook(code("print(x)", outputs=[new_output("stream", text="0.97\n")]))
    [change] = diff_notebooks(old, new).cells
    assert [(line.sign, line.text) for line in change.outputs] == [("-", "0.91"), ("+", "0.97")]


def test_identical_notebooks_have_no_changes():
    nb = notebook(md("Intro"), code("x = 1"))
    assert diff_notebooks(nb, nb).cells == []


def test_a_huge_diff_is_cut_short():
    old = notebook(*[code("\n".join(f"a{i}{j}" for i in range(150))) for j in range(2)])
    new = notebook(*[code("\n".join(f"b{i}{j}" for i in range(150))) for j in range(2)])
    diff = diff_notebooks(old, new)
    assert diff.truncated
    assert sum(len(c.source) for c in diff.cells) <= 400


def test_report_changes_say_which_framework_went():
    assert "keras no longer used" in report_changes({"frameworks": ["keras"]}, {"frameworks": ["torch"]})


def test_report_changes_say_which_framework_came():
    assert "torch now used" in report_changes({"frameworks": ["keras"]}, {"frameworks": ["torch"]})


def test_a_cell_is_compared_on_its_first_lines_only():
    old = notebook(code("\n".join(f"a{i}" for i in range(5000))))
    new = notebook(code("\n".join(f"b{i}" for i in range(5000))))
    (change,) = diff_notebooks(old, new).cells
    assert len(change.source) <= 2 * MAX_CELL_LINES


def test_too_many_changed_lines_are_refused_before_nbdime_runs(monkeypatch):
    import nbdime

    monkeypatch.setattr(nbdime, "diff_notebooks", lambda *a, **k: pytest.fail("nbdime ran"))
    old = notebook(*[code("\n".join(f"a{i}{j}" for i in range(100))) for j in range(50)])
    new = notebook(*[code("\n".join(f"b{i}{j}" for i in range(100))) for j in range(50)])
    with pytest.raises(TooLargeToCompareError):
        diff_notebooks(old, new)


def test_too_many_cells_are_refused_before_nbdime_runs(monkeypatch):
    import nbdime

    monkeypatch.setattr(nbdime, "diff_notebooks", lambda *a, **k: pytest.fail("nbdime ran"))
    with pytest.raises(TooLargeToCompareError):
        diff_notebooks(notebook(*[code("x") for _ in range(MAX_DIFF_CELLS + 1)]), notebook(code("y")))


def test_many_unchanged_cells_around_a_change_are_compared():
    cells = [code(f"step_{j} = {j}\nprint(step_{j})") for j in range(300)]
    changed = [*cells[:150], code("step_150 = 'new'\nprint(step_150)"), *cells[151:]]
    diff = diff_notebooks(notebook(*cells), notebook(*changed))
    assert [(c.kind, c.new_number) for c in diff.cells] == [(CHANGED, 151)]


def test_a_cell_excerpt_is_its_first_lines():
    nb = notebook(md("intro"), code("\n".join(f"line {i}" for i in range(10))))
    assert cell_excerpt(nb, 2, max_lines=3) == "line 0\nline 1\nline 2\n…"
    assert cell_excerpt(nb, 3) == ""
