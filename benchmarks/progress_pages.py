"""How the learner pages scale: the seed-sized curriculum vs one ten times larger.

Run from the repository root:  .venv/bin/python benchmarks/progress_pages.py
Uses DATABASE_URL when set (a throwaway database is created and dropped, as in
tests), otherwise a temporary SQLite file. Prints median times and the ratio of
the large to the small curriculum side by side; query counts are asserted in
tests/progress/test_query_counts.py, so only time is measured here. Local mode
(DEBUG, no cached template loader) inflates the absolute times; compare ratios.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dlcurriculum.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

REPEAT = 30


def build(stages: int, resources_per_stage: int):
    from progress.models import Activity, ResourceProgress
    from stages.models import Resource, Stage
    from tests import factories

    Stage.objects.all().delete()
    ResourceProgress.objects.all().delete()
    Activity.objects.all().delete()
    factories.build_curriculum(stages, resources_per_stage)
    learner = factories.UserFactory(why="benchmark")
    resources = list(Resource.objects.all())
    statuses = ["done", "skipped", "in_progress", "not_started"]
    ResourceProgress.objects.bulk_create(
        ResourceProgress(user=learner, resource=r, status=statuses[i % 4], note="n") for i, r in enumerate(resources)
    )
    Activity.objects.bulk_create(Activity(user=learner, resource=r, status="done") for r in resources * 3)
    return learner


def median_ms(client: Client, url: str) -> float:
    client.get(url)
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        assert client.get(url).status_code == 200
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def measure(stages: int, resources_per_stage: int) -> dict[str, float]:
    from stages.models import Stage

    client = Client()
    client.force_login(build(stages, resources_per_stage))
    stage = Stage.objects.filter(resources__isnull=False).order_by("order").first()
    pages = {
        "dashboard": reverse("progress:dashboard"),
        "overview": reverse("stages:overview"),
        "stage page": stage.get_absolute_url(),
        "export json": reverse("users:export_json"),
    }
    return {name: median_ms(client, url) for name, url in pages.items()}


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        small = measure(6, 7)
        large = measure(60, 10)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"{'page':<14}{'seed-sized ms':>15}{'10x ms':>10}{'ratio':>8}")
    for name in small:
        print(f"{name:<14}{small[name]:>15.1f}{large[name]:>10.1f}{large[name] / small[name]:>8.2f}")


if __name__ == "__main__":
    main()
