"""Arbitrary notebook bytes, JSON and cell sources never crash the analyser or the renderer."""

import json

import nbformat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from capstones import notebooks

from .outcomes import refusal

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)


@FAST
@given(st.binary(max_size=2000))
def test_any_bytes_are_loaded_or_refused_with_a_notebook_error(data):
    assert refusal(notebooks.load_notebook, data, error=notebooks.NotebookError) != ""


@FAST
@given(json_values)
def test_any_json_is_loaded_or_refused_with_a_notebook_error(value):
    assert refusal(notebooks.load_notebook, json.dumps(value).encode(), error=notebooks.NotebookError) != ""


cell_sources = st.text(max_size=300) | st.sampled_from(
    [
        "%pip install fastai",
        "!pip install keras",
        "import tensorflow.keras as K",
        "from fastai.vision.all import *",
        "%%bash\npip install keras",
        "def f(:\n  pass",
        "x = '''",
        "import torch\n%matplotlib inline",
    ]
)


@FAST
@given(st.lists(st.tuples(st.sampled_from(["code", "markdown", "raw"]), cell_sources), max_size=8))
def test_analysis_and_rendering_of_any_cells_never_crash(cells):
    makers = {
        "code": nbformat.v4.new_code_cell,
        "markdown": nbformat.v4.new_markdown_cell,
        "raw": nbformat.v4.new_raw_cell,
    }
    nb = nbformat.v4.new_notebook(cells=[makers[kind](source) for kind, source in cells])
    data = nbformat.writes(nb).encode()
    message = refusal(notebooks.load_notebook, data, error=notebooks.NotebookError)
    assert message is None or "empty" in message  # the only refusal a well-formed notebook can get
    loaded = nb if message else notebooks.load_notebook(data)
    analysis = notebooks.analyse(loaded)
    assert analysis.verdict
    html = notebooks.render_body(notebooks.safe_notebook(loaded))
    assert "<script" not in html.lower()
