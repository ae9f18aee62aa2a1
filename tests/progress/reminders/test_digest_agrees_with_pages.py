"""A reminder and the dashboard tell a learner the same: counts per stage and what is next."""

import pytest

from progress import selectors as progress_selectors
from progress import services
from progress.models import ResourceProgress
from progress.reminders.digest import build_digest
from progress.reminders.selectors import curriculum_snapshot
from stages.models import Resource

pytestmark = pytest.mark.django_db

STATUSES = ["done", "skipped", "in_progress", "done", "not_started"]


@pytest.mark.parametrize("touched", [0, 3, 9, 1000], ids=lambda n: f"first-{n}-touched")
def test_digest_and_dashboard_agree_on_counts_and_next_up(curriculum, learner, touched):
    for i, resource in enumerate(Resource.objects.order_by("stage__order", "order")[:touched]):
        services.set_status(learner, resource, STATUSES[i % len(STATUSES)])
    statuses = dict(ResourceProgress.objects.filter(user=learner).values_list("resource_id", "status"))

    digest = build_digest(curriculum_snapshot(), statuses, learner.date_joined)
    dashboard = progress_selectors.dashboard(learner)

    assert [(line.stage.id, line.total, line.done, line.skipped, line.in_progress) for line in digest.lines] == [
        (s.stage.pk, s.completion.total, s.completion.done, s.completion.skipped, s.completion.in_progress)
        for s in dashboard.stages
    ]
    assert (digest.next_up.id if digest.next_up else None) == (dashboard.next_up.pk if dashboard.next_up else None)
    current = dashboard.current_stage.stage.pk if dashboard.current_stage else None
    assert (digest.next_stage.id if digest.next_stage else None) == current
