"""Names bound by imports are followed across all cells, in order (issue #12)."""

from .notebook_builders import check, code, md, notebook, uses


def test_alias_imported_in_one_cell_reveals_keras_in_a_later_cell():
    assert uses("import tensorflow as tf", None, "model = tf.keras.Sequential()") == [("keras", 3, 1, "attribute")]


def test_every_later_cell_using_tf_keras_is_counted():
    nb = notebook(
        md(),
        code("import tensorflow as tf"),
        code("model = tf.keras.Sequential()"),
        code("model.add(tf.keras.layers.Dense(10))"),
        code("opt = tf.keras.optimizers.Adam()"),
    )
    (keras,) = check(nb).libraries
    assert (keras.library, keras.cells, keras.uses) == ("keras", 3, 3)


def test_report_does_not_stop_at_the_cell_that_imports_keras_directly():
    nb = notebook(
        code("import tensorflow as tf"),
        code("from tensorflow import keras"),
        code("x = tf.keras.layers.Dense(3)"),
    )
    assert [(f.cell, f.how) for f in check(nb).violations] == [(2, "import"), (3, "attribute")]


def test_reassigned_module_alias_is_followed():
    assert uses("import tensorflow as tf", "K = tf.keras", "layer = K.layers.Dense(1)") == [
        ("keras", 2, 1, "attribute"),
        ("keras", 3, 1, "attribute"),
    ]


def test_getattr_result_assigned_to_a_name_is_followed():
    assert uses("import tensorflow as tf\nK = getattr(tf, 'keras')", "K.Model") == [
        ("keras", 1, 2, "attribute"),
        ("keras", 2, 1, "attribute"),
    ]


def test_name_imported_from_keras_is_a_use_where_it_is_called():
    assert uses("from keras.layers import Dense", "layer = Dense(3)") == [
        ("keras", 1, 1, "import"),
        ("keras", 2, 1, "name"),
    ]


def test_name_from_a_forbidden_star_import_counts_in_later_cells():
    assert uses("from fastai.vision.all import *", "learn = vision_learner(dls, resnet34)") == [
        ("fastai", 1, 1, "star import"),
        ("fastai", 2, 1, "name from a star import"),
    ]


def test_names_the_notebook_defines_are_not_taken_from_a_star_import():
    assert uses("from fastai.vision.all import *", "def train():\n    pass", "train()") == [
        ("fastai", 1, 1, "star import"),
    ]


def test_star_import_of_tensorflow_then_keras_name_is_found():
    assert uses("from tensorflow import *", "keras.Sequential()") == [("keras", 2, 1, "name from a star import")]


def test_alias_rebound_to_something_else_is_forgotten():
    assert uses("import keras as k", "k = 3", "k.layers") == [("keras", 1, 1, "import")]


def test_variable_named_keras_is_not_a_violation():
    assert uses("import torch\nkeras = {'layers': 3}", "keras.layers\nprint(keras)") == []


def test_tf_keras_reached_through_a_module_imported_inside_a_function_is_found():
    assert uses("def build():\n    import tensorflow as tf\n    return tf.keras.Model()") == [
        ("keras", 1, 3, "attribute")
    ]


def test_tensorflow_python_keras_path_is_keras():
    assert uses("from tensorflow.python.keras.layers import Dense") == [("keras", 1, 1, "import")]


def test_tf_compat_v1_keras_is_keras():
    assert uses("import tensorflow as tf", "tf.compat.v1.keras.layers.Dense(3)") == [("keras", 2, 1, "attribute")]


def test_plain_tensorflow_low_level_code_passes():
    assert (
        uses(
            "import tensorflow as tf",
            "w = tf.Variable(tf.zeros([3]))\nwith tf.GradientTape() as tape:\n    loss = tf.reduce_sum(w * w)",
            "tape.gradient(loss, [w])",
        )
        == []
    )


def test_mxnet_gluon_code_passes():
    assert uses("from mxnet import gluon, np, npx", "net = gluon.nn.Dense(1)") == []
