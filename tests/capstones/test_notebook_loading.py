import json

import pytest

from capstones.notebooks import NotebookError, load_notebook, load_notes

from .notebook_builders import as_bytes, good_notebook, raw_code, raw_markdown, raw_notebook


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


def test_extra_top_level_key_is_dropped_with_a_note():
    loaded = load_notebook(json.dumps(raw_notebook(colab={"name": "x"})).encode())
    assert "colab" not in loaded
    assert any("extra top-level key 'colab' dropped" in note for note in load_notes(loaded))


def test_cell_ids_in_a_4_4_notebook_are_accepted_by_upgrading_it():
    loaded = load_notebook(json.dumps(raw_notebook(nbformat_minor=4)).encode())
    assert loaded.nbformat_minor == 5
    assert any("repaired" in note for note in load_notes(loaded))


def test_missing_cell_ids_in_a_4_5_notebook_are_added():
    cell = raw_code("import torch")
    del cell["id"]
    loaded = load_notebook(json.dumps(raw_notebook([cell])).encode())
    assert loaded.cells[0].id


def test_unknown_cell_key_is_dropped_with_a_note():
    loaded = load_notebook(json.dumps(raw_notebook([raw_code("import torch", idx_=0)])).encode())
    assert "idx_" not in loaded.cells[0]
    assert any("unknown cell key 'idx_'" in note for note in load_notes(loaded))


def test_pasted_image_attachment_is_accepted():
    image = raw_markdown("![image.png](attachment:image.png)", attachments={"image.png": {"image/png": "iVBORw0K"}})
    loaded = load_notebook(json.dumps(raw_notebook([image, raw_code("import torch")])).encode())
    assert load_notes(loaded) == []
    assert loaded.cells[0].attachments["image.png"]["image/png"] == "iVBORw0K"


def test_attachment_on_a_code_cell_is_a_note_not_a_refusal():
    cell = raw_code("import torch", attachments={"a.png": {"image/png": "iVBORw0K"}})
    loaded = load_notebook(json.dumps(raw_notebook([cell])).encode())
    assert any("checked anyway" in note for note in load_notes(loaded))


def test_notebook_that_loads_writes_nothing_to_stderr(capfd):
    cell = raw_code("import torch", attachments={"a.png": {"image/png": "iVBORw0K"}})
    load_notebook(json.dumps(raw_notebook([cell], extra={"x": 1}, nbformat_minor=4)).encode())
    assert capfd.readouterr().err == ""


def test_notebook_that_loads_logs_nothing(caplog):
    cell = raw_code("import torch", attachments={"a.png": {"image/png": "iVBORw0K"}})
    load_notebook(json.dumps(raw_notebook([cell])).encode())
    assert caplog.records == []


def test_cells_that_are_not_a_list_are_refused():
    assert "no list of cells" in error_for(json.dumps(raw_notebook({"a": 1})).encode())


def test_multi_line_source_list_is_joined():
    loaded = load_notebook(json.dumps(raw_notebook([raw_code(["import torch\n", "x = 1"])])).encode())
    assert loaded.cells[0].source == "import torch\nx = 1"
