"""Forbidden libraries are families from the curriculum file: imports and installs use the same list."""

import pytest

from capstones.notebooks import Family, Wrapper

from .notebook_builders import check, code, md, notebook, uses


@pytest.mark.parametrize(
    "module", ["tf_keras", "keras_core", "keras_hub", "keras_nlp", "keras_cv", "keras_tuner", "keras_preprocessing"]
)
def test_keras_family_package_import_is_keras(module):
    assert uses(f"import {module}") == [("keras", 1, 1, "import")]


def test_fastbook_import_is_fastai():
    assert uses("import fastbook") == [("fastai", 1, 1, "import")]


@pytest.mark.parametrize("package", ["tf-keras", "keras-nlp", "keras_cv", "Keras-Tuner==1.4", "keras"])
def test_keras_family_package_install_is_keras(package):
    assert uses(f"!pip install -q {package}") == [("keras", 1, 1, "install")]


def test_fastbook_install_is_fastai():
    assert uses("!pip install -Uqq fastbook") == [("fastai", 1, 1, "install")]


@pytest.mark.parametrize("module", ["fastapi", "fastcore", "kerasish", "fast_ai_notes", "my_keras"])
def test_lookalike_imports_are_not_violations(module):
    assert uses(f"import {module}") == []


def test_fastapi_install_is_not_fastai():
    assert uses("!pip install fastapi uvicorn") == []


def test_keras_in_a_string_is_not_a_violation():
    assert uses("import torch\nnote = 'we avoid tf.keras and keras_nlp here'\nprint(note)") == []


def test_tensorflow_hub_keras_layer_needs_attention_with_its_reason():
    nb = notebook(md(), code("import torch\nimport tensorflow_hub as hub"), code("layer = hub.KerasLayer(url)"))
    result = check(nb)
    assert result.violations == []
    assert result.verdict == "attention"
    (wrapper,) = result.attention
    assert (wrapper.wrapper, wrapper.cells, wrapper.places[0].cell) == ("tensorflow_hub.KerasLayer", 1, 3)
    assert "Keras layer" in wrapper.reason


def test_transformers_tf_model_class_needs_attention():
    result = check(notebook(md(), code("import torch\nfrom transformers import TFAutoModel")))
    assert [w.wrapper for w in result.attention] == ["transformers.TF*"]
    assert result.violations == []


def test_transformers_pytorch_model_class_needs_no_attention():
    assert check(notebook(md(), code("import torch\nfrom transformers import AutoModel"))).attention == []


def test_family_given_as_data_is_used():
    family = Family(module="sklearn", name="scikit-learn", members=("sklearn", "scikit_learn"), instead="numpy")
    result = check(notebook(code("import scikit_learn")), forbidden=[family])
    assert [(u.name, u.instead) for u in result.libraries] == [("scikit-learn", "numpy")]


def test_wrapper_given_as_data_is_reported():
    family = Family(module="keras", wrappers=(Wrapper("kerasify.build", "it builds Keras models."),))
    result = check(notebook(code("import kerasify\nkerasify.build()")), forbidden=[family], known={})
    assert [w.wrapper for w in result.attention] == ["kerasify.build"]


def test_family_matches_children_of_its_patterns_only_at_a_dot():
    family = Family(module="keras", members=("tensorflow.keras",))
    assert family.matches("tensorflow.keras.layers.Dense")
    assert not family.matches("tensorflow.keras_fake")


@pytest.mark.parametrize(
    "line",
    [
        "!{sys.executable} -m pip install keras",
        "!/usr/bin/python3 -m pip install keras",
        "!uv pip install keras",
        "%conda install -c conda-forge keras",
        "!pip install git+https://github.com/keras-team/keras.git",
    ],
)
def test_install_forms_seen_in_real_notebooks_are_found(line):
    assert uses(line) == [("keras", 1, 1, "install")]


def test_autokeras_is_keras():
    assert uses("import autokeras as ak") == [("keras", 1, 1, "import")]
    assert uses("!pip install autokeras") == [("keras", 1, 1, "install")]


@pytest.mark.parametrize(
    ("source", "wrapper"),
    [
        ("import tensorflow as tf\nopt = tf.optimizers.Adam(1e-3)", "tensorflow.optimizers"),
        ("import tensorflow as tf\nloss = tf.losses.MeanSquaredError()", "tensorflow.losses"),
        ("from tensorflow import metrics\nm = metrics.Accuracy()", "tensorflow.metrics"),
        ("import tensorflow as tf\ninit = tf.initializers.GlorotUniform()", "tensorflow.initializers"),
        ("from tflite_model_maker import image_classifier", "tflite_model_maker"),
        ("from mediapipe_model_maker import image_classifier", "mediapipe_model_maker"),
    ],
)
def test_tf2_short_names_of_keras_and_model_makers_need_attention(source, wrapper):
    result = check(notebook(md(), code(source)))
    assert result.violations == []
    assert [w.wrapper for w in result.attention] == [wrapper]
    assert "Keras" in result.attention[0].reason


def test_low_level_tensorflow_without_keras_names_passes():
    result = check(
        notebook(
            md(),
            code(
                "import tensorflow as tf\nw = tf.Variable(tf.zeros([3]))\n"
                "with tf.GradientTape() as t:\n    y = tf.reduce_sum(w * 2)"
            ),
        )
    )
    assert (result.violations, result.attention) == ([], [])
