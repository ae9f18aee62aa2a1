"""Findings a learner can act on: grouped per library, with the rules checked and their labels (issue #12)."""

import json

from capstones.notebooks import Verdict, load_notebook

from .notebook_builders import as_bytes, check, code, good_notebook, md, notebook


def keras_in_many_cells(count: int):
    cells = [md(), code("import tensorflow as tf")]
    cells += [code(f"layer{i} = tf.keras.layers.Dense({i})") for i in range(count)]
    return notebook(*cells)


def test_findings_are_grouped_per_library_with_cell_and_use_counts():
    (keras,) = check(keras_in_many_cells(60)).libraries
    assert (keras.name, keras.cells, keras.uses) == ("Keras", 60, 60)


def test_only_the_first_few_places_are_listed():
    (keras,) = check(keras_in_many_cells(60)).libraries
    assert [(p.cell, p.line) for p in keras.places] == [(3, 1), (4, 1), (5, 1), (6, 1), (7, 1)]


def test_place_gives_the_code_of_the_line():
    (keras,) = check(keras_in_many_cells(1)).libraries
    assert keras.places[0].code == "layer0 = tf.keras.layers.Dense(0)"


def test_report_says_what_to_use_instead_at_the_low_level():
    (keras,) = check(keras_in_many_cells(1)).libraries
    assert "tf.GradientTape" in keras.instead
    assert "torch.nn" in keras.instead


def test_violation_note_names_the_library_its_cells_and_the_alternative():
    note = next(n for n in check(keras_in_many_cells(2)).notes if n.startswith("Forbidden library"))
    assert note.startswith("Forbidden library Keras is used in 2 cells (2 places). First: cell 3, line 1:")
    assert note.endswith("torch.nn (PyTorch) instead.")


def test_fastai_gets_its_own_group_and_alternative():
    result = check(notebook(md(), code("from fastai.vision.all import *\nimport keras")))
    assert [(u.name, u.instead.split(",")[0]) for u in result.libraries] == [
        ("Fastai", "torch.nn"),
        ("Keras", "tf.Module with tf.GradientTape (TensorFlow) or torch.nn (PyTorch)"),
    ]


def test_report_states_every_rule_it_checked():
    rules = {rule.rule for rule in check(good_notebook()).rules}
    assert rules == {"format", "forbidden", "wrappers", "allowed", "prose", "executed", "python", "size"}


def test_forbidden_rule_lists_the_family_members():
    rule = next(r for r in check(good_notebook()).rules if r.rule == "forbidden")
    assert "Keras (keras, keras_*, tf_keras, tensorflow.keras" in rule.label
    assert "Fastai (fastai, fastai2, fastbook)" in rule.label


def test_rule_outcomes_carry_labels_not_only_codes():
    broken = next(r for r in check(keras_in_many_cells(1)).rules if r.rule == "forbidden")
    assert (broken.status, broken.status_label) == ("broken", "Broken")


def test_clean_notebook_meets_every_rule():
    assert {r.status_label for r in check(good_notebook()).rules} == {"Met"}


def test_json_report_has_labels_for_the_verdict_and_every_rule():
    data = check(keras_in_many_cells(1)).to_dict()
    assert data["verdict_label"] == "Breaks the rules"
    assert all(rule["status_label"] for rule in data["rules"])
    assert data["libraries"][0]["name"] == "Keras"


def test_format_note_alone_does_not_change_a_passing_verdict():
    data = json.loads(as_bytes(good_notebook()))
    data["colab"] = {"provenance": []}
    result = check(load_notebook(json.dumps(data).encode()))
    assert result.verdict == Verdict.PASS
    assert [n[:61] for n in result.notes] == ["The notebook did not quite follow the Jupyter notebook format"]
