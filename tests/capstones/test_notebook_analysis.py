import pytest

from capstones.notebooks import Verdict

from .notebook_builders import check, code, good_notebook, md, notebook


def violations(*sources):
    nb = notebook(*(md() if s is None else code(s) for s in sources))
    return [(f.library, f.cell, f.line, f.how) for f in check(nb).violations]


def test_clean_torch_notebook_passes():
    result = check(good_notebook())
    assert result.verdict == Verdict.PASS
    assert result.frameworks == ["torch"]
    assert result.violations == []


def test_plain_keras_import_is_found_with_cell_and_line():
    assert violations(None, "x = 1\nimport keras") == [("keras", 2, 2, "import")]


def test_aliased_submodule_import_is_found():
    assert violations("import tensorflow.keras as K") == [("keras", 1, 1, "import")]


def test_from_tensorflow_import_keras_is_found():
    assert violations("from tensorflow import keras") == [("keras", 1, 1, "import")]


def test_from_tensorflow_keras_import_layers_is_found():
    assert violations("from tensorflow.keras import layers") == [("keras", 1, 1, "import")]


def test_attribute_use_through_module_alias_is_found():
    assert violations("import tensorflow as tf\n\nlayer = tf.keras.layers.Dense(10)") == [("keras", 1, 3, "attribute")]


def test_attribute_use_via_getattr_is_found():
    assert violations("import tensorflow as tf\nk = getattr(tf, 'keras')") == [("keras", 1, 2, "attribute")]


def test_star_import_is_found():
    assert violations("from fastai.vision.all import *") == [("fastai", 1, 1, "star import")]


def test_dynamic_import_is_found():
    assert violations("import importlib\nk = importlib.import_module('keras')") == [("keras", 1, 2, "dynamic import")]


def test_percent_pip_install_is_found():
    assert violations("%pip install fastai") == [("fastai", 1, 1, "install")]


def test_bang_pip_install_with_flags_and_version_is_found():
    assert violations("!pip install -q keras==2.15.0") == [("keras", 1, 1, "install")]


def test_install_inside_bash_cell_magic_is_found_on_its_line():
    assert violations("%%bash\necho start\npip install torch tf-keras") == [("keras", 1, 3, "install")]


def test_automagic_pip_install_is_found():
    assert violations("pip install fastai") == [("fastai", 1, 1, "install")]


def test_install_through_subprocess_is_found():
    assert violations("import subprocess\nsubprocess.run(['pip', 'install', 'keras'])") == [("keras", 1, 2, "install")]


def test_import_after_a_line_magic_is_found():
    assert violations("%matplotlib inline\nimport keras") == [("keras", 1, 2, "import")]


def test_import_in_cell_that_is_not_python_is_still_found():
    result = check(notebook(code("def broken(:\nimport keras")))
    assert [(f.library, f.line) for f in result.violations] == [("keras", 2)]
    assert result.unparsable_cells == [1]


def test_mention_in_markdown_is_not_a_violation():
    nb = notebook(
        md("We do not `import keras` here: `from fastai.vision.all import *` is forbidden."), code("import torch")
    )
    assert check(nb).violations == []


def test_mention_in_a_string_is_not_a_violation():
    assert violations("import torch\nprint('import keras; tf.keras.layers; pip install fastai')") == []


def test_mention_in_a_comment_is_not_a_violation():
    assert violations("import torch  # not keras\n# import keras\n# !pip install fastai") == []


def test_lookalike_module_names_are_not_violations():
    assert violations("import kerasish\nfrom mylib import keras_utils\nimport fastaiх") == []  # noqa: RUF001 - a Cyrillic look-alike on purpose


def test_attribute_named_keras_on_a_plain_variable_is_not_a_violation():
    assert violations("import torch\nresults = {}\nresults.keras = 1\nprint(config.fastai)") == []


def test_pip_install_of_allowed_packages_is_not_a_violation():
    assert violations("!pip install torch torchvision") == []


def test_frameworks_used_are_listed():
    result = check(notebook(code("import torch\nimport jax.numpy as jnp\nimport mxnet as mx\nimport numpy")))
    assert result.frameworks == ["jax", "mxnet", "torch"]
    assert "numpy" in result.imports


def test_forbidden_library_makes_the_verdict_break_the_rules():
    assert check(notebook(md(), code("import torch\nimport keras"))).verdict == Verdict.BREAKS_RULES


def test_notebook_without_markdown_needs_attention():
    result = check(notebook(code("import torch")))
    assert result.verdict == Verdict.ATTENTION
    assert any("no prose" in n.lower() for n in result.notes)


def test_little_prose_needs_attention():
    result = check(notebook(md("Setup."), code("import torch"), code("x = 1"), code("y = 2")))
    assert result.verdict == Verdict.ATTENTION
    assert result.markdown_words == 1


def test_unexecuted_code_needs_attention():
    result = check(notebook(md(), code("import torch", executed=False)))
    assert result.executed is False
    assert result.verdict == Verdict.ATTENTION


def test_no_allowed_framework_needs_attention():
    result = check(notebook(md(), code("import numpy as np")))
    assert result.verdict == Verdict.ATTENTION
    assert any("No allowed framework" in n for n in result.notes)


def test_cell_counts_and_prose_measures():
    result = check(notebook(md("one two three"), md("four"), code("import torch\n\n# c\nx = 1"), code("")))
    assert (result.cells, result.markdown_cells, result.code_cells) == (4, 2, 1)
    assert (result.markdown_words, result.code_lines) == (4, 2)
    assert result.prose_share == pytest.approx(0.67)


def test_custom_forbidden_list_is_used():
    result = check(notebook(md(), code("import torch\nimport sklearn")), forbidden={"sklearn"})
    assert [f.library for f in result.violations] == ["sklearn"]


def test_shell_comment_after_an_install_is_not_a_package():
    assert violations("%pip install torch  # no keras here") == []


def test_second_install_chained_in_one_shell_line_is_found():
    assert violations("!pip install torch && pip install fastai") == [("fastai", 1, 1, "install")]


def test_import_hidden_in_exec_is_found():
    assert violations("import torch\nexec('import keras')") == [("keras", 1, 2, "import")]


def test_explicit_run_line_magic_install_is_found():
    assert violations("get_ipython().run_line_magic('pip', 'install fastai')") == [("fastai", 1, 1, "install")]


def test_explicit_system_call_install_is_found():
    assert violations("get_ipython().system('pip install -U keras')") == [("keras", 1, 1, "install")]
