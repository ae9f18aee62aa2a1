"""How the notebook check and the rendering scale with notebook size, on notebooks shaped like real ones.

Run: .venv/bin/python benchmarks/capstone_notebooks.py
Builds notebooks of about 0.5 to 16 MB the way real capstones look (a markdown explanation before
every code cell, printed training logs, a figure every third code cell as a PNG, a pandas-style HTML
table every fifth, a traceback now and then) and prints, per size, in one run:

- the time to load (parse + validate), analyse and render (best of a few runs, no tracing),
- the peak memory of each job as a worker runs it (load + analyse; load + render), from tracemalloc,
  as a multiple of the file size,
- each time as a ratio to the smallest notebook, so growth is visible side by side.

Targets (issue #12): analysis of a 4 MB notebook well under 1 s, rendering of 4 MB at most 1.5 s,
memory at most 5x the file size. Results and the machine they ran on: benchmarks/RESULTS.md.
"""

import gc
import os
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import base64

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from capstones import notebooks

TARGET_MB = [0.5, 1, 2, 4, 8, 16]
REPEAT = 3

PROSE = (
    "We normalise the inputs so that every feature has zero mean and unit variance; without it the "
    "gradients of the first layer are dominated by the largest feature and training stalls. "
)
CODE = """import torch
from torch import nn
model_{i} = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
optimiser = torch.optim.Adam(model_{i}.parameters(), lr=1e-3)
for epoch in range(5):
    for xb, yb in loader:
        loss = nn.functional.cross_entropy(model_{i}(xb), yb)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    print(f"epoch {{epoch}} loss {{loss.item():.4f}}")
"""
TABLE = "<table class='dataframe'><thead><tr><th></th><th>a</th><th>b</th></tr></thead><tbody>{}</tbody></table>"


def _png(rng: random.Random, size: int) -> str:
    # Incompressible bytes behind a PNG signature: the size of a real matplotlib figure.
    return base64.b64encode(b"\x89PNG\r\n\x1a\n" + rng.randbytes(size)).decode()


def build(target_bytes: int, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    i = 0
    while True:
        i += 1
        nb.cells.append(new_markdown_cell(f"## Step {i}\n\n" + PROSE * 3))
        cell = new_code_cell(CODE.format(i=i), execution_count=i)
        outputs = [new_output("stream", name="stdout", text="".join(f"epoch {e} loss 0.{e:04d}\n" for e in range(20)))]
        if i % 3 == 0:
            outputs.append(
                new_output("display_data", data={"image/png": _png(rng, 60_000), "text/plain": "<Figure size 640x480>"})
            )
        if i % 5 == 0:
            rows = "".join(f"<tr><th>{r}</th><td>{r * 0.5}</td><td>{r * 2}</td></tr>" for r in range(60))
            outputs.append(
                new_output(
                    "execute_result", data={"text/html": TABLE.format(rows), "text/plain": "df"}, execution_count=i
                )
            )
        if i % 17 == 0:
            outputs.append(
                new_output("error", ename="ValueError", evalue="bad shape", traceback=["\x1b[31mValueError\x1b[0m"] * 5)
            )
        cell.outputs = outputs
        nb.cells.append(cell)
        if i % 10 == 0:
            data = nbformat.writes(nb).encode()
            if len(data) >= target_bytes:
                return data


def best(fn) -> float:
    times = []
    for _ in range(REPEAT):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def peak(fn) -> int:
    gc.collect()
    tracemalloc.start()
    fn()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return top


def main() -> None:
    notebooks.render_document(notebooks.load_notebook(build(50_000)))  # warm-up: imports, lexers
    rows = []
    for mb in TARGET_MB:
        data = build(int(mb * 1024 * 1024))
        nb = notebooks.load_notebook(data)
        size = len(data)
        load = best(lambda data=data: notebooks.load_notebook(data))
        analyse = best(lambda nb=nb: notebooks.analyse(nb))
        render = best(lambda nb=nb: notebooks.render_document(nb))
        html = notebooks.render_document(nb)
        check_memory = peak(lambda data=data: notebooks.analyse(notebooks.load_notebook(data)))
        render_memory = peak(lambda data=data: notebooks.render_document(notebooks.load_notebook(data)))
        rows.append((size, len(nb.cells), load, analyse, render, check_memory, render_memory, len(html)))
    base = rows[0]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; best of {REPEAT}; memory: tracemalloc peak")
    print(
        f"{'MB':>5} {'cells':>5} | {'load s':>7} {'x':>5} | {'analyse s':>9} {'x':>5} | "
        f"{'render s':>8} {'x':>5} | {'load+analyse mem':>16} | {'load+render mem':>15} | {'html MB':>7}"
    )
    for size, cells, load, analyse, render, check_mem, render_mem, html in rows:
        print(
            f"{size / 1048576:5.1f} {cells:5d} | {load:7.3f} {load / base[2]:5.1f} | {analyse:9.3f} "
            f"{analyse / base[3]:5.1f} | {render:8.3f} {render / base[4]:5.1f} | "
            f"{check_mem / 1048576:7.1f} MB {check_mem / size:4.1f}x | "
            f"{render_mem / 1048576:6.1f} MB {render_mem / size:4.1f}x | {html / 1048576:7.1f}"
        )


if __name__ == "__main__":
    main()
