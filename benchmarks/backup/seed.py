"""Seed the backup benchmark's database: the load test's learners (benchmarks/load/seed.py), each iteration
with a notebook file of its own in the store.

    python benchmarks/backup/seed.py LEARNERS NOTEBOOK_BYTES
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks" / "load"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dlcurriculum.settings")

import random  # noqa: E402

import seed as load_seed  # noqa: E402 - benchmarks/load/seed.py (sets Django up)
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402

from capstones.models import Iteration  # noqa: E402
from stages.models import Resource  # noqa: E402


def notebook(n: int, size: int) -> bytes:
    """A notebook of about ``size`` bytes: one code cell whose output is a long text (distinct per file)."""
    filler = (f"epoch {n} loss 0.{n:06d} " * (size // 24 + 1))[:size]
    return (
        '{"cells": [{"cell_type": "code", "execution_count": 1, "metadata": {}, "source": ["train()"], '
        '"outputs": [{"output_type": "stream", "name": "stdout", "text": ["' + filler + '"]}]}], '
        '"metadata": {}, "nbformat": 4, "nbformat_minor": 5}'
    ).encode()


def main(learners: int, notebook_bytes: int) -> None:
    load_seed.LEARNERS = learners
    rng = random.Random(load_seed.RANDOM_SEED)
    resources = list(Resource.objects.order_by("stage__order", "order"))
    with load_seed.timed("users"):
        users, mentors = load_seed.seed_users()
    with load_seed.timed("progress and activity"):
        progress_rows, activity_rows, reached = load_seed.seed_progress(rng, users, resources)
    with load_seed.timed("capstone submissions"):
        submissions = load_seed.seed_submissions(rng, users, mentors, reached)
    with load_seed.timed("notebook files"):
        for n, iteration in enumerate(Iteration.objects.order_by("pk").only("pk")):
            name = default_storage.save(
                f"capstones/notebooks/{iteration.pk}.ipynb", ContentFile(notebook(n, notebook_bytes))
            )
            Iteration.objects.filter(pk=iteration.pk).update(notebook=name)
    print(
        f"  {learners} learners, {progress_rows} progress rows, {activity_rows} activity rows, "
        f"{submissions} submissions, {Iteration.objects.count()} notebooks of {notebook_bytes} bytes"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
