import json

import pytest
from django.core.management import CommandError, call_command

from .notebook_builders import as_bytes, code, good_notebook, md, notebook


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
