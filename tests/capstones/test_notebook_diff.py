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


# --------------------------------------------------------------------------- a diff a mentor can use (issue 26)


def _unrelated(count: int, tag: str):
    return notebook(
        *(code(f"# {tag} step {n}\nvalue_{tag}_{n} = {n} * 3\nprint(value_{tag}_{n})") for n in range(count))
    )


def test_two_unrelated_notebooks_are_a_replacement_said_in_one_line():
    from capstones.notebooks.diff import diff_html

    diff = diff_notebooks(_unrelated(45, "old"), _unrelated(46, "new"))
    assert diff.replaced
    assert diff.summary == "The notebook was replaced: 46 of 46 cells differ"
    html = diff_html(diff)
    assert html.startswith('<p class="diff-summary">The notebook was replaced: 46 of 46 cells differ.</p>')
    assert '<details class="full-diff"><summary>Show the full diff</summary>' in html
    assert html.split("full-diff")[1].startswith('"><summary>')  # closed: the cells wait behind one link


def test_an_edit_is_not_a_replacement():
    cells = [code(f"x{n} = {n}") for n in range(10)]
    edited = [*cells[:4], code("x4 = 40"), *cells[5:]]
    diff = diff_notebooks(notebook(*cells), notebook(*edited))
    assert not diff.replaced
    assert diff.summary == "1 changed"


def test_a_run_of_added_cells_is_one_block_and_a_changed_cell_is_open():
    from capstones.notebooks.diff import diff_html

    cells = [code(f"x{n} = {n}") for n in range(8)]
    new = [code("x0 = 100"), *cells[1:], *(code(f"extra_{n} = {n}") for n in range(6))]
    html = diff_html(diff_notebooks(notebook(*cells), notebook(*new)))
    assert html.count("<details") == 2
    assert '<details class="cell-diff cell-diff-changed" open=""><summary>Cell 1 changed</summary>' in html
    assert "<summary>Cells 9 to 14 added (6 cells)</summary>" in html


def test_a_long_run_of_added_cells_waits_closed():
    from capstones.notebooks.diff import OPEN_BLOCK_LINES, diff_html

    long_cells = [code("\n".join(f"line_{n}_{i} = {i}" for i in range(10))) for n in range(OPEN_BLOCK_LINES // 10 + 1)]
    html = diff_html(diff_notebooks(notebook(code("a = 1")), notebook(code("a = 1"), *long_cells)))
    assert '<details class="cell-diff cell-diff-added"><summary>' in html


def test_diff_lines_are_not_followed_by_blank_lines():
    from capstones.notebooks.diff import diff_html

    html = diff_html(diff_notebooks(notebook(code("a = 1\nb = 2")), notebook(code("a = 1\nb = 3"))))
    assert "</span>\n" not in html
    assert html.count('class="diff-line') == 3
