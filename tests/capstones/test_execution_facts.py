"""Whether the code ran, and from top to bottom, told honestly (issue #26).

A cell counts as run only with an execution count above 0 or an output: Jupyter saves ``null``
for a cell never run and some tools save ``0``. Counts that do not rise in cell order mean the
cells ran out of order (or the kernel was restarted half-way): the saved outputs may not be what a
run from the top gives, so the report names the first cells out of order.
"""

import json

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from capstones.notebooks import Verdict, load_notebook

from .notebook_builders import as_bytes, check, counted, good_notebook


def executed_rule(result):
    return next(rule for rule in result.rules if rule.rule == "executed")


def run_notes(result):
    return [note for note in result.notes if " run" in note or "out of order" in note]


def test_forty_five_cells_saved_with_count_zero_and_no_output_are_reported_as_not_run():
    result = check(counted(*[0] * 45))
    assert (result.code_cells, result.executed_code_cells, result.executed) == (45, 0, False)
    rule = executed_rule(result)
    assert (rule.status_label, rule.detail) == ("Needs attention", "Ran 0 of 45 code cells")
    assert run_notes(result) == [
        (
            "0 of 45 code cells were run: none has an execution count above 0 or an output. "
            "Run the notebook from the top (Restart & Run All) and save it before uploading."
        )
    ]
    assert result.verdict == Verdict.ATTENTION


def test_forty_five_cells_never_run_read_from_an_upload_are_reported_as_not_run():
    # As uploaded: the file's bytes through the loader, counts `null` as Jupyter saves a cell never run.
    result = check(load_notebook(as_bytes(counted(*[None] * 45))))
    assert executed_rule(result).detail == "Ran 0 of 45 code cells"
    assert result.to_dict()["executed_code_cells"] == 0


def test_notebook_run_from_the_top_meets_the_rule_and_says_in_order():
    result = check(good_notebook())
    rule = executed_rule(result)
    assert (rule.status_label, rule.detail) == ("Met", "Ran 2 of 2 code cells, in order")
    assert (result.in_order, result.out_of_order_cells) == (True, [])


def test_gaps_between_counts_are_still_in_order():
    # A cell run twice while writing, or a cell deleted since: the counts skip but still rise.
    result = check(counted(1, 4, 9, 10))
    assert executed_rule(result).detail == "Ran 4 of 4 code cells, in order"
    assert result.verdict == Verdict.PASS


def test_some_cells_not_run_are_counted_and_named():
    counts = [*range(1, 41), None, None, 0, None, None]
    result = check(counted(*counts))
    rule = executed_rule(result)
    assert (rule.status_label, rule.detail) == ("Needs attention", "Ran 40 of 45 code cells, in order")
    # Cells alternate with prose: code cell k is cell 2k of the notebook.
    assert result.unrun_cells == [82, 84, 86, 88, 90]
    assert run_notes(result) == [
        "5 of 45 code cells were not run (no execution count and no output): cells 82, 84, 86, 88, 90."
    ]


def test_cell_run_again_later_is_named_as_out_of_order():
    result = check(counted(1, 2, 12, 3, 4))
    assert result.out_of_order_cells == [6]
    assert result.in_order is False
    rule = executed_rule(result)
    assert (rule.status_label, rule.detail) == ("Needs attention", "Ran 5 of 5 code cells; cell 6 out of order")
    (note,) = run_notes(result)
    assert note.startswith("Cell 6 ran out of order: its execution count breaks the rising order")
    assert result.verdict == Verdict.ATTENTION


def test_two_cells_out_of_order_are_both_named():
    result = check(counted(1, 9, 2, 3, 7, 4, 5))
    assert result.out_of_order_cells == [4, 10]
    assert executed_rule(result).detail == "Ran 7 of 7 code cells; cells 4 and 10 out of order"


def test_kernel_restarted_half_way_names_the_shorter_part():
    # Run 1-2-3-4, kernel restarted, then only the last two cells run again.
    result = check(counted(1, 2, 3, 4, 1, 2))
    assert result.out_of_order_cells == [10, 12]


def test_the_same_count_twice_is_out_of_order():
    # Two cells with count 1: each ran first in a fresh kernel, so the second did not see the first.
    assert check(counted(1, 1)).out_of_order_cells == [4]


def test_many_cells_out_of_order_are_counted_and_the_first_few_named():
    result = check(counted(*range(30, 0, -1)))
    assert result.out_of_order_count == 29
    assert len(result.out_of_order_cells) == 10
    assert "and 19 more out of order" in executed_rule(result).detail


def test_outputs_without_a_count_count_as_run_with_no_claim_about_order():
    # Some exporters drop the counts and keep the outputs.
    result = check(counted(None, None, outputs=True))
    rule = executed_rule(result)
    assert (rule.status_label, rule.detail) == ("Met", "Ran 2 of 2 code cells")


def test_count_zero_with_an_output_counts_as_run():
    result = check(counted(0, 0, outputs=True))
    assert result.executed_code_cells == 2
    assert result.out_of_order_cells == []


def test_counts_that_are_not_positive_numbers_do_not_count_as_run():
    # Hand-edited or broken files: a boolean, a string or a negative count says nothing ran.
    nb = counted(1, 2, 3, 4)
    for cell, count in zip([c for c in nb.cells if c.cell_type == "code"][1:], [True, "2", -3], strict=True):
        cell["execution_count"] = count
    result = check(nb)
    assert result.executed_code_cells == 1
    assert result.unrun_cells == [4, 6, 8]


def test_report_data_keeps_the_order_facts():
    data = check(counted(1, 2, 12, 3, 4)).to_dict()
    assert (data["in_order"], data["out_of_order_cells"], data["out_of_order_count"]) == (False, [6], 1)
    assert json.loads(json.dumps(data))["unrun_cells"] == []


def test_d2l_style_notebook_saved_without_outputs_is_not_run():
    # The pattern of d2l's Colab notebooks and of notebooks passed through nbstripout: prose, code,
    # `execution_count: null`, no outputs. Built here with nbformat as such a notebook is saved.
    cells = [new_markdown_cell("# Linear Regression Implementation from Scratch\n\nWe build it from tensors.")]
    sources = [
        "%matplotlib inline\nimport torch\nfrom d2l import torch as d2l",
        (
            "class LinearRegressionScratch(d2l.Module):\n    def __init__(self, num_inputs, lr, sigma=0.01):\n"
            "        super().__init__()\n        self.save_hyperparameters()\n"
            "        self.w = torch.normal(0, sigma, (num_inputs, 1), requires_grad=True)\n"
            "        self.b = torch.zeros(1, requires_grad=True)"
        ),
        (
            "@d2l.add_to_class(LinearRegressionScratch)\ndef forward(self, X):\n"
            "    return torch.matmul(X, self.w) + self.b"
        ),
        (
            "model = LinearRegressionScratch(2, lr=0.03)\n"
            "data = d2l.SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2)"
        ),
        "trainer = d2l.Trainer(max_epochs=3)\ntrainer.fit(model, data)",
    ]
    for source in sources:
        cells += [new_code_cell(source), new_markdown_cell("We explain what this step does and why it is needed here.")]
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    result = check(load_notebook(json.dumps(nb).encode()))
    assert executed_rule(result).detail == "Ran 0 of 5 code cells"
    assert result.verdict == Verdict.ATTENTION


def test_colab_style_notebook_run_twice_in_places_is_named():
    # A notebook worked on in Colab: the first cells ran once, the training cell was run again after
    # the plot below it, as saved with its outputs (`execute_result` carries the count too).
    counts = [1, 2, 3, 9, 5, 6]
    cells = []
    for number, count in enumerate(counts, start=1):
        source = "import torch" if number == 1 else f"loss{number} = torch.rand(1)\nloss{number}"
        out = new_output("execute_result", data={"text/plain": "tensor([0.5])"}, execution_count=count)
        cells += [new_markdown_cell("We explain this step and why it matters for training."), new_code_cell(source)]
        cells[-1].execution_count = count
        cells[-1].outputs = [out]
    result = check(load_notebook(json.dumps(new_notebook(cells=cells)).encode()))
    assert result.out_of_order_cells == [8]
    assert executed_rule(result).detail == "Ran 6 of 6 code cells; cell 8 out of order"
