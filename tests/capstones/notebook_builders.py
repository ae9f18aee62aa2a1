"""Small builders for notebooks used across the capstone tests."""

import itertools

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

PROSE = "We explain this step in detail and say why it is needed for the model to learn well. " * 3


def code(source: str, *, executed: bool = True, outputs=None):
    cell = new_code_cell(source, execution_count=1 if executed else None)
    cell.outputs = outputs if outputs is not None else ([new_output("stream", text="ok\n")] if executed else [])
    return cell


def md(text: str = PROSE):
    return new_markdown_cell(text)


def notebook(*cells, renumber: bool = True):
    """The cells as a notebook; with ``renumber`` the cells that ran get counts 1, 2, 3... as a run from the top."""
    # Fixed cell ids, so the same builder call always gives the same bytes.
    ran = 0
    for number, cell in enumerate(cells, start=1):
        cell.id = f"cell-{number}"
        if renumber and cell.get("cell_type") == "code" and cell.get("execution_count") is not None:
            ran += 1
            cell.execution_count = ran
    return new_notebook(cells=list(cells))


def counted(*counts, outputs: bool = False):
    """A notebook of prose and torch code cells saved with these execution counts (None or 0: never run)."""
    cells = [md()]
    for number, count in enumerate(counts, start=1):
        cell = new_code_cell("import torch" if number == 1 else f"x{number} = torch.ones({number})")
        cell.execution_count = count
        cell.outputs = [new_output("stream", text="ok\n")] if outputs else []
        cells += [cell, md()]
    return notebook(*cells, renumber=False)


def good_notebook():
    """Torch, prose before every code cell, executed: the analysis passes."""
    return notebook(
        md(),
        code("import torch\nfrom torch import nn"),
        md(),
        code("model = nn.Linear(3, 1)\nprint(model)"),
    )


def as_bytes(nb) -> bytes:
    return nbformat.writes(nb).encode("utf-8")


def output_cell(data: dict):
    return code("x = 1", outputs=[new_output("display_data", data=data)])


def check(nb, **rules):
    """The analysis with the curriculum's families (Keras also means tf.keras, tf_keras, keras_*...)."""
    from capstones.frameworks import curriculum_families
    from capstones.notebooks import analyse

    rules.setdefault("known", curriculum_families())
    return analyse(nb, **rules)


def uses(*sources, **rules):
    """(library, cell, line, how) of every listed place, for a notebook of code cells (None = markdown)."""
    nb = notebook(*(md() if s is None else code(s) for s in sources))
    return [(f.library, f.cell, f.line, f.how) for f in check(nb, **rules).violations]


def raw_notebook(cells=None, **top) -> dict:
    """A notebook as plain JSON data, for shapes nbformat's builders refuse to make."""
    data = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": cells if cells is not None else [raw_code("import torch")],
    }
    data.update(top)
    return data


_ids = itertools.count(1)


def _next_id(prefix: str) -> str:
    return f"{prefix}{next(_ids)}"


def raw_code(source: str, **extra) -> dict:
    cell = {"cell_type": "code", "id": _next_id("c"), "metadata": {}, "source": source}
    cell.update({"execution_count": 1, "outputs": []})
    cell.update(extra)
    return cell


def raw_markdown(source: str, **extra) -> dict:
    cell = {"cell_type": "markdown", "id": _next_id("m"), "metadata": {}, "source": source}
    cell.update(extra)
    return cell
