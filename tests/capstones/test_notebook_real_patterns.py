"""Patterns met in public deep-learning notebooks (D2L, Deep Learning with Python, Hands-On ML,
TensorFlow docs, fast.ai course, Hugging Face, Udacity), each as a small synthetic notebook."""

import json

from capstones.notebooks import load_notebook, load_notes

from .notebook_builders import check, code, md, notebook, raw_code, raw_markdown, raw_notebook, uses


def test_keras_optimizer_class_passed_by_name_to_a_helper_counts():
    # D2L (TensorFlow): `trainer = tf.keras.optimizers.RMSprop` then `d2l.train_concise_ch11(trainer, ...)`.
    assert uses("import tensorflow as tf", "trainer = tf.keras.optimizers.RMSprop", "train(trainer, 0.01)") == [
        ("keras", 2, 1, "attribute"),
        ("keras", 3, 1, "name"),
    ]


def test_module_imported_from_keras_is_followed_into_attribute_calls():
    # Deep Learning with Python, 1st edition: `from keras.preprocessing import image` then `image.load_img(...)`.
    assert uses("from keras.preprocessing import image", "x = image.img_to_array(img)") == [
        ("keras", 1, 1, "import"),
        ("keras", 2, 1, "attribute"),
    ]


def test_python_2_print_statement_does_not_hide_keras_on_other_lines():
    # TensorFlow-Examples (Python 2): `print "Epoch:", ...` lines between real code.
    result = check(notebook(md(), code('import tensorflow as tf\nprint "start"\nmodel = tf.keras.Sequential()')))
    assert [(f.line, f.how) for f in result.violations] == [(3, "attribute")]
    assert result.unparsable_cells == [2]


def test_exercise_blank_does_not_hide_keras_on_other_lines():
    # Udacity exercises: `labels = # Your code here` left for the learner to fill in.
    result = check(notebook(md(), code("from tensorflow import keras\nlabels = # Your code here\nkeras.Model()")))
    assert [(f.line, f.how) for f in result.violations] == [(1, "import"), (3, "attribute")]


def test_block_header_that_is_not_python_3_keeps_its_block_readable():
    assert uses("import keras as K\nfor i in xrange(3) print i:\n    K.layers.Dense(i)")[-1] == (
        "keras",
        1,
        3,
        "attribute",
    )


def test_cell_metadata_that_is_text_is_a_note_not_a_refusal():
    # A Hugging Face notebook stores one cell's metadata as a string.
    cell = raw_markdown("Training", metadata="{'id': 'x'}")
    loaded = load_notebook(json.dumps(raw_notebook([cell, raw_code("import torch")])).encode())
    assert any("checked anyway" in note for note in load_notes(loaded))


def test_transformers_keras_callbacks_need_attention():
    # Hugging Face (TensorFlow): `from transformers.keras_callbacks import PushToHubCallback`.
    result = check(notebook(md(), code("import torch\nfrom transformers.keras_callbacks import PushToHubCallback")))
    assert [w.wrapper for w in result.attention] == ["transformers.keras_callbacks"]


def test_fastai_course_notebook_names_its_star_import_before_its_helpers():
    # fast.ai course: the install, the star import, then helpers that came with it.
    result = check(
        notebook(code("!pip install -Uqq fastai"), code("from fastai.vision.all import *\npd.options.x = 1"))
    )
    (fastai,) = result.libraries
    assert [p.how for p in fastai.places] == ["install", "star import", "name from a star import"]


def test_pure_pytorch_d2l_style_notebook_passes():
    result = check(
        notebook(
            md(),
            code("%matplotlib inline\nimport torch\nfrom torch import nn\nfrom d2l import torch as d2l"),
            md(),
            code(
                "net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))\nopt = torch.optim.SGD(net.parameters(), lr=0.1)"
            ),
        )
    )
    assert (result.verdict, result.violations, result.attention) == ("pass", [], [])
