import json

import pytest

from capstones.notebooks import NotebookError, load_notebook, load_notes

from .notebook_builders import as_bytes, good_notebook


def error_for(data: bytes, **kwargs) -> str:
    with pytest.raises(NotebookError) as info:
        load_notebook(data, **kwargs)
    return str(info.value)


def test_valid_notebook_loads():
    assert len(load_notebook(as_bytes(good_notebook())).cells) == 4


def test_not_json_is_rejected_with_position():
    assert "not valid JSON (line 1" in error_for(b"{this is not json")


def test_binary_file_is_rejected():
    assert "not text" in error_for(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")


def test_json_that_is_not_a_notebook_is_rejected():
    assert "not a Jupyter notebook" in error_for(json.dumps({"hello": "world"}).encode())


def test_json_list_is_not_a_notebook():
    assert "not a Jupyter notebook" in error_for(b"[1, 2, 3]")


def test_old_format_3_is_upgraded_and_noted():
    old = {
        "nbformat": 3,
        "nbformat_minor": 0,
        "metadata": {},
        "worksheets": [
            {"cells": [{"cell_type": "code", "input": "import torch", "outputs": [], "language": "python"}]}
        ],
    }
    notebook = load_notebook(json.dumps(old).encode())
    assert notebook.cells[0].source == "import torch"
    assert any("old format version 3" in note for note in load_notes(notebook))


def test_newer_format_than_4_is_rejected():
    newer = {"nbformat": 5, "nbformat_minor": 0, "metadata": {}, "cells": []}
    assert "newer than this site understands" in error_for(json.dumps(newer).encode())


def test_notebook_failing_schema_validation_is_loaded_with_a_note():
    broken = json.loads(as_bytes(good_notebook()))
    broken["cells"][0]["cell_type"] = "spreadsheet"
    notebook = load_notebook(json.dumps(broken).encode())
    assert len(notebook.cells) == 4
    assert any("does not quite follow the Jupyter notebook format (at cells/0" in n for n in load_notes(notebook))


def test_notebook_without_cells_is_empty():
    empty = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}
    assert "empty" in error_for(json.dumps(empty).encode())


def test_notebook_with_only_blank_cells_is_empty():
    blank = json.loads(as_bytes(good_notebook()))
    for cell in blank["cells"]:
        cell["source"] = "  \n"
    assert "empty" in error_for(json.dumps(blank).encode())


def test_empty_file_is_rejected():
    assert "empty" in error_for(b"")


def test_file_over_the_size_limit_is_rejected_with_both_sizes():
    message = error_for(b"{" + b" " * (3 * 1024 * 1024) + b"}", max_bytes=2 * 1024 * 1024)
    assert "The file is 3.0 MB; notebooks may be at most 2.0 MB" in message
