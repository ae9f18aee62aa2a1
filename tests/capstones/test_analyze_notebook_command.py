import json

import pytest
from django.core.management import CommandError, call_command

from stages.models import Framework

from .notebook_builders import as_bytes, code, counted, good_notebook, md, notebook

# The command reads the frameworks an admin may have edited.
pytestmark = pytest.mark.django_db


def run(path, *args):
    from io import StringIO

    out = StringIO()
    call_command("analyze_notebook", str(path), *args, stdout=out)
    return out.getvalue()


def test_command_prints_verdict_and_violations(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(as_bytes(notebook(md(), code("import torch\n!pip install keras"))))
    out = run(path)
    assert "Verdict: Breaks the rules" in out
    assert "FORBIDDEN Keras: used in 1 cells (1 places)" in out
    assert "cell 2, line 2 (install): !pip install keras" in out


def test_command_json_output(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(as_bytes(good_notebook()))
    data = json.loads(run(path, "--json"))
    assert data["verdict"] == "pass"
    assert data["frameworks"] == ["torch"]
    assert data["code_cells"] == 2


def test_command_reports_a_bad_file(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text("nope")
    with pytest.raises(CommandError, match="not valid JSON"):
        run(path)


def test_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(tmp_path / "missing.ipynb")


def test_command_lists_the_rules_it_checked(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(as_bytes(good_notebook()))
    out = run(path)
    assert "Rules checked:" in out
    assert "[Met] No forbidden library is used: Fastai (fastai, fastai2, fastbook); Keras (" in out


def test_command_uses_the_curriculum_families_by_default(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(as_bytes(notebook(md(), code("import tensorflow as tf"), code("m = tf.keras.Model()"))))
    data = json.loads(run(path, "--json"))
    assert [(u["library"], u["cells"]) for u in data["libraries"]] == [("keras", 1)]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"nbformat": 4, "metadata": ' + b'{"a": ' * 50_000 + b"1" + b"}" * 50_000 + b', "cells": []}', "nested"),
        (b"", "empty"),
        (b"\x00" * 100, "not valid JSON"),
        (b'{"nbformat": 4, "cells": {"a": 1}}', "no list of cells"),
    ],
)
def test_command_answers_hostile_files_with_a_message(tmp_path, content, message):
    path = tmp_path / "nb.ipynb"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(path)


def test_command_refuses_a_file_over_the_limit_without_reading_it(tmp_path, settings):
    settings.CAPSTONE_MAX_NOTEBOOK_BYTES = 1000
    path = tmp_path / "nb.ipynb"
    path.write_bytes(b" " * 2000)
    with pytest.raises(CommandError, match="notebooks may be at most"):
        run(path)


def test_command_json_on_a_lone_surrogate_is_valid_json(tmp_path):
    path = tmp_path / "nb.ipynb"
    text = json.dumps(json.loads(as_bytes(good_notebook()))).replace("import torch", "import torch  # \\ud800")
    path.write_text(text)
    assert json.loads(run(path, "--json"))["verdict"] == "pass"


def test_command_uses_a_family_an_admin_edited(tmp_path):
    Framework.objects.create(name="Keras", module="keras", family=["keras", "mykeras"])
    path = tmp_path / "nb.ipynb"
    path.write_bytes(as_bytes(notebook(md(), code("import mykeras"))))
    assert [u["library"] for u in json.loads(run(path, "--json"))["libraries"]] == ["keras"]


def test_command_says_when_no_cell_ran_and_which_ran_out_of_order(tmp_path):
    never, shuffled = tmp_path / "never.ipynb", tmp_path / "shuffled.ipynb"
    never.write_bytes(as_bytes(counted(*[0] * 45)))
    shuffled.write_bytes(as_bytes(counted(1, 2, 12, 3, 4)))
    assert "Executed: Ran 0 of 45 code cells\n" in run(never)
    assert "- 0 of 45 code cells were run" in run(never)
    assert "Executed: Ran 5 of 5 code cells; cell 6 out of order\n" in run(shuffled)
