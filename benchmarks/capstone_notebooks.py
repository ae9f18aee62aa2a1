"""How the notebook check scales with notebook size.

Run: .venv/bin/python benchmarks/capstone_notebooks.py
Prints, per size, the time to load+validate, analyse and render, and each as a
ratio to the smallest notebook, side by side from one run (no absolute targets).
"""

import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from capstones import notebooks

SIZES = [10, 100, 500]
REPEAT = 3


def build(cells: int) -> bytes:
    nb = new_notebook()
    for i in range(cells // 2):
        nb.cells.append(new_markdown_cell(f"## Step {i}\n\nWe explain why this step matters. " * 3))
        cell = new_code_cell(f"import torch\nx{i} = torch.randn(3, 3)\nprint(x{i}.sum())", execution_count=i + 1)
        cell.outputs = [new_output("stream", text="tensor(1.2345)\n" * 5)]
        nb.cells.append(cell)
    return nbformat.writes(nb).encode()


def best(fn) -> float:
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    notebooks.render_body(notebooks.load_notebook(build(2)))  # warm-up: template loading
    rows = []
    for size in SIZES:
        data = build(size)
        nb = notebooks.load_notebook(data)
        rows.append(
            (
                size,
                best(partial(notebooks.load_notebook, data)),
                best(partial(notebooks.analyse, nb)),
                best(partial(notebooks.render_document, nb)),
            )
        )
    base = rows[0]
    print(f"{'cells':>6} | {'load s':>8} {'ratio':>6} | {'analyse s':>9} {'ratio':>6} | {'render s':>8} {'ratio':>6}")
    for size, load, analyse, render in rows:
        print(
            f"{size:>6} | {load:8.4f} {load / base[1]:6.1f} | {analyse:9.4f} {analyse / base[2]:6.1f} | "
            f"{render:8.4f} {render / base[3]:6.1f}"
        )


if __name__ == "__main__":
    main()
