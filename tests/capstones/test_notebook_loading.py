import json

import pytest

from capstones.notebooks import NotebookError, load_notebook

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


def test_old_format_is_rejected_with_upgrade_advice():
    old = {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": []}]}
    message = error_for(json.dumps(old).encode())
    assert "old format version 3" in message
    assert "upgrade" in message


def test_notebook_failing_schema_validation_is_rejected():
    broken = json.loads(as_bytes(good_notebook()))
    broken["cells"][0]["cell_type"] = "spreadsheet"
    assert "does not follow the Jupyter notebook format" in error_for(json.dumps(broken).encode())


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
