"""Hostile notebooks get a clear answer, bounded by design (issue #13)."""

import json

import pytest

from capstones.notebooks import MAX_CELLS, NotebookError, load_notebook, load_notes
from capstones.notebooks.analysis import MAX_CELL_LINES

from .notebook_builders import as_bytes, check, code, md, notebook, raw_code, raw_markdown, raw_notebook


def error_for(data: bytes) -> str:
    with pytest.raises(NotebookError) as info:
        load_notebook(data)
    return str(info.value)


def test_json_nested_deeper_than_the_recursion_limit_gets_a_clear_message():
    data = b'{"nbformat": 4, "nbformat_minor": 5, "metadata": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_000
    assert "nested more than" in error_for(data + b', "cells": []}')


def test_json_nested_just_under_the_recursion_limit_gets_a_clear_message():
    data = b'{"nbformat": 4, "nbformat_minor": 5, "metadata": ' + b'{"a": ' * 900 + b"1" + b"}" * 900
    assert "nested more than" in error_for(data + b', "cells": []}')


def test_integer_longer_than_4300_digits_in_metadata_is_read():
    text = json.dumps(raw_notebook()).replace('"metadata": {}', '"metadata": {"n": ' + "9" * 5000 + "}", 1)
    assert len(load_notebook(text.encode()).cells) == 1


def test_integer_longer_than_4300_digits_as_execution_count_becomes_a_note():
    text = json.dumps(raw_notebook()).replace('"execution_count": 1', '"execution_count": ' + "9" * 5000)
    assert any("does not quite follow" in note for note in load_notes(load_notebook(text.encode())))


def test_lone_surrogate_in_markdown_is_replaced_with_a_note():
    text = json.dumps(raw_notebook([raw_markdown("broken \ud800 char"), raw_code("import torch")]))
    loaded = load_notebook(text.encode())
    assert loaded.cells[0].source == "broken \ufffd char"
    assert any("lone surrogates" in note for note in load_notes(loaded))


def test_analysis_of_a_notebook_with_a_lone_surrogate_can_be_stored_as_utf8():
    text = json.dumps(raw_notebook([raw_code("import torch  # \udfff\nimport keras")]))
    report = check(load_notebook(text.encode())).to_dict()
    json.dumps(report, ensure_ascii=False).encode("utf-8")  # raises on a lone surrogate


def test_too_many_cells_are_refused_before_parsing_with_the_limit():
    cells = ",".join(['{"cell_type":"markdown","metadata":{},"source":"w"}'] * (MAX_CELLS * 2 + 1))
    data = f'{{"nbformat":4,"nbformat_minor":4,"metadata":{{}},"cells":[{cells}]}}'.encode()
    message = error_for(data)
    assert f"{MAX_CELLS * 2 + 1:,} cells" in message
    assert f"at most {MAX_CELLS:,}" in message


def test_a_few_more_cells_than_the_limit_are_refused_after_parsing():
    cells = [raw_markdown(f"w{i}") for i in range(MAX_CELLS + 1)]
    assert "the automatic check reads at most" in error_for(json.dumps(raw_notebook(cells)).encode())


def test_cell_over_the_line_limit_is_not_read_and_needs_a_mentor():
    result = check(notebook(md(), code("import torch\n" + "x = 1\n" * MAX_CELL_LINES)))
    assert result.verdict == "attention"
    assert any(note.startswith("Too large to check automatically: cell 2") for note in result.notes)


def test_twelve_thousand_shell_lines_are_read():
    result = check(notebook(md(), code("import torch\n" + "!ls\n" * 12_000)))
    assert result.frameworks == ["torch"]
    assert result.unparsable_cells == []


def test_attribute_chain_deeper_than_the_parser_allows_is_a_note_not_a_crash():
    result = check(notebook(md(), code("import tensorflow as tf\nx = tf" + ".a" * 50_000)))
    assert result.unparsable_cells == [2]


def test_brackets_nested_beyond_the_parser_limit_are_a_note_not_a_crash():
    assert check(notebook(md(), code("x = " + "(" * 5000 + ")" * 5000))).unparsable_cells == [2]


def test_exec_nested_in_exec_is_read_to_a_bounded_depth():
    assert check(notebook(code("exec(\"exec('exec(\\\\'import keras\\\\')')\")"))).violations == []


def test_cells_that_are_not_objects_are_skipped():
    data = json.dumps(raw_notebook([1, "x", None, raw_code("import torch"), {"source": "import keras"}]))
    result = check(load_notebook(data.encode()))
    assert (result.cells, result.code_cells, result.violations) == (5, 1, [])


def test_source_list_with_non_text_items_is_read():
    data = json.dumps(raw_notebook([raw_code(["import ", 3, "keras"])]))
    assert [f.library for f in check(load_notebook(data.encode())).violations] == ["keras"]


def test_good_notebook_loads_with_no_notes():
    assert load_notes(load_notebook(as_bytes(notebook(md(), code("import torch"))))) == []
