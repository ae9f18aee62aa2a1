"""Cells run through IPython's magics are read as the code they are (issues #12 and #13)."""

import pytest

from capstones.notebooks.magics import read_cell

from .notebook_builders import check, code, md, notebook, uses


def test_code_written_by_writefile_to_a_python_file_counts():
    assert uses("%%writefile train.py\nimport torch\nfrom keras import layers", "!python train.py") == [
        ("keras", 1, 3, "import")
    ]


def test_pytorch_written_by_writefile_counts_as_an_allowed_framework():
    result = check(notebook(md(), code("%%writefile train.py\nimport torch\nmodel = torch.nn.Linear(2, 1)")))
    assert "No allowed framework" not in " ".join(result.notes)
    assert result.frameworks == ["torch"]


def test_writefile_of_a_requirements_file_lists_installs():
    assert uses("%%writefile requirements.txt\ntorch==2.3\ntf-keras>=2.15") == [("keras", 1, 3, "install")]


def test_writefile_of_a_data_file_is_not_code():
    assert uses("%%writefile notes.md\nimport keras") == []


@pytest.mark.parametrize("magic", ["%%capture", "%%time", "%%timeit", "%%script python", "%%python3", "%%prun"])
def test_python_cell_magic_body_is_read(magic):
    assert uses(f"{magic}\nimport tensorflow as tf\nm = tf.keras.Model()") == [("keras", 1, 3, "attribute")]


def test_timeit_cell_magic_setup_code_on_its_first_line_is_read():
    assert uses("%%timeit -n 1 -r 1 import keras\nx = 1") == [("keras", 1, 1, "import")]


def test_script_bash_body_is_not_python_but_its_installs_count():
    assert uses("%%script bash\necho hi\npip install fastai") == [("fastai", 1, 3, "install")]


@pytest.mark.parametrize("line", ["%time model = keras.Sequential()", "%timeit -n 3 keras.Sequential()"])
def test_line_magic_with_code_is_read(line):
    assert uses(f"import keras as K\nimport keras\n{line}")[-1] == ("keras", 1, 3, "attribute")


def test_assignment_from_a_line_magic_is_read():
    assert uses("import tensorflow as tf\nresult = %timeit -o tf.keras.Model()") == [("keras", 1, 2, "attribute")]


def test_multi_line_timeit_with_backslash_is_valid_python():
    result = check(notebook(md(), code("import torch\n%timeit x = torch.ones(3); \\\n    y = x * 2")))
    assert result.unparsable_cells == []


def test_shell_line_inside_an_indented_block_keeps_the_block_valid():
    result = check(notebook(md(), code("import torch\nif True:\n    !ls\n    x = torch.ones(1)")))
    assert result.unparsable_cells == []


def test_shell_output_assignment_is_valid_python():
    assert check(notebook(md(), code("import torch\nfiles = !ls\nprint(files)"))).unparsable_cells == []


def test_help_syntax_is_valid_python():
    assert check(notebook(md(), code("import torch\ntorch.ones?\n??torch.zeros"))).unparsable_cells == []


def test_magic_lookalike_inside_a_triple_quoted_string_is_not_an_install():
    assert uses('import torch\ntext = """\n!pip install keras\n%pip install fastai\n"""') == []


def test_cell_indented_as_a_whole_is_read_like_ipython_does():
    assert uses("  import tensorflow as tf\n  m = tf.keras.Model()") == [("keras", 1, 2, "attribute")]


def test_no_break_space_pasted_into_code_does_not_hide_an_import():
    assert uses("from tensorflow.keras import layers\nx = layers.Dense(32,\u00a0activation='relu')") == [
        ("keras", 1, 1, "import"),
        ("keras", 1, 2, "attribute"),
    ]


def test_line_numbers_are_kept_after_magics():
    cell = read_cell("%matplotlib inline\n!ls\nimport torch")
    assert cell.python.split("\n")[2] == "import torch"


def test_expansion_work_grows_linearly_with_the_cell():
    # Counted in lines handed to the parser, not timed: 12,000 `!ls` lines give 12,000 lines of Python.
    cell = read_cell("!ls\n" * 12_000)
    assert cell.python.count("\n") == 12_000
    assert len(cell.shell) == 12_000
