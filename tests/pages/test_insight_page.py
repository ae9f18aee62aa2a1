"""The maintainers' insight page (dlcurriculum.pages.insight): progress and capstones side by side.

Page-layer behaviour (progress combined with capstones), so at the top of tests/ like the pages."""

import pytest
from django.urls import reverse

from capstones.models import Submission
from capstones.selectors import capstone_status_for
from dlcurriculum.pages import insight as page_insight
from dlcurriculum.pages.selectors import approved_stage_ids
from progress import selectors as progress_selectors
from progress.models import Status
from progress.services import answer_time_spent, set_status
from stages.models import CapstoneBrief, Stage
from stages.outline import outline
from tests.factories import ResourceFactory, StageFactory, UserFactory
from tests.pages.test_finishing import approve, finish_stage
from tests.queries import assert_database_query_count

pytestmark = pytest.mark.django_db
PAGE = "curriculum_insight"


def _submission(learner, brief, status):
    return Submission.objects.create(
        learner=learner, brief=brief, title="Work", own_problem="Mine", status=status, approved_at=None
    )


def test_capstone_stages_count_approved_capstones_as_the_dashboards_do(curriculum):
    capstone_one = CapstoneBrief.objects.get(key="capstone-1")
    capstone_stage = capstone_one.stage
    only_approved, finished_and_approved, finished_in_review = UserFactory(), UserFactory(), UserFactory()
    approve(only_approved, capstone_one)
    finish_stage(finished_and_approved, capstone_stage)
    approve(finished_and_approved, capstone_one)
    finish_stage(finished_in_review, capstone_stage)
    _submission(finished_in_review, capstone_one, Submission.Status.WAITING)
    finish_stage(finished_in_review, Stage.objects.get(order=1))

    page = page_insight.curriculum_insight(use_cache=False)
    by_stage = {row.use.stage_id: row for row in page.stages}
    for stage in Stage.objects.all():
        on_dashboards = 0
        for learner in (only_approved, finished_and_approved, finished_in_review):
            approved = approved_stage_ids(capstone_status_for(learner), outline())
            summary = next(s for s in progress_selectors.dashboard(learner, approved).stages if s.stage.pk == stage.pk)
            on_dashboards += summary.completion.is_complete
        assert by_stage[stage.pk].use.finished_by == on_dashboards, stage.title
    row = by_stage[capstone_stage.pk]
    assert row.is_capstone
    required = capstone_stage.resources.filter(optional=False).exists()
    assert row.use.finished_by == (1 if required else 2)
    assert (row.reviews.approved_learners, row.reviews.in_review, row.reviews.changes_requested) == (2, 1, 0)
    assert by_stage[Stage.objects.get(order=1).pk].reviews is None


def test_median_days_to_the_first_review_runs_from_the_first_iteration_to_the_first_decision(
    django_capture_on_commit_callbacks, settings
):
    from datetime import timedelta

    from capstones.models import Iteration, Review

    stage = StageFactory()
    brief = CapstoneBrief.objects.create(stage=stage, key="cap", title="Cap", focus="f", rules="r")
    for days in (1, 3, 8):
        submission = _submission(UserFactory(), brief, Submission.Status.CHANGES_REQUESTED)
        first = Iteration.objects.create(
            submission=submission, number=1, notebook="x.ipynb", original_name="x.ipynb", size=1, sha256="0" * 64
        )
        Review.objects.create(
            iteration=first, decision="changes_requested", created_at=first.created_at + timedelta(days=days)
        )
    figures = page_insight.curriculum_insight(use_cache=False).stages[0].reviews
    assert figures.median_days_to_first_review == 3.0
    assert figures.changes_requested == 3


def test_the_page_is_for_staff_who_may_see_resources(client, staff, learner):
    client.force_login(learner)
    assert client.get(reverse(PAGE)).status_code == 302  # to the admin's sign-in
    clerk = UserFactory(is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse(PAGE)).status_code == 403
    client.force_login(staff)
    assert client.get(reverse(PAGE)).status_code == 200


def test_the_page_shows_counts_a_bar_per_resource_and_the_capstone_figures(client, staff, curriculum):
    resource = ResourceFactory(
        stage=Stage.objects.get(order=1), order=99, title="Neural Networks and Deep Learning, again"
    )
    set_status(UserFactory(), resource, Status.SKIPPED)
    approve(UserFactory(), CapstoneBrief.objects.get(key="capstone-1"))
    client.force_login(staff)
    html = client.get(reverse(PAGE)).content.decode()
    assert "Neural Networks and Deep Learning, again: 1 learner" in html
    assert 'aria-label="Neural Networks and Deep Learning, again: 1"' in html
    assert "<caption>Capstone submissions</caption>" in html
    assert "<td>1</td><td>0</td><td>0</td>" in html  # approved, waiting or in review, changes requested


def test_the_page_is_linked_from_the_admin_index_the_stage_list_and_the_progress_list(client, staff):
    client.force_login(staff)
    for page in ("admin:index", "admin:stages_stage_changelist", "admin:progress_resourceprogress_changelist"):
        assert f'href="{reverse(PAGE)}"' in client.get(reverse(page)).content.decode(), page


def test_the_progress_list_is_named_without_a_third_s(client, staff):
    client.force_login(staff)
    html = client.get(reverse("admin:index")).content.decode()
    assert "progresss" not in html.lower()
    assert "Resource progress" in html


def test_num_queries_of_the_page_does_not_grow_with_learners_or_submissions(client, staff, curriculum):
    brief = CapstoneBrief.objects.get(key="capstone-1")
    resource = Stage.objects.get(order=1).resources.first()
    client.force_login(staff)
    for learners in (2, 12):
        for _ in range(learners):
            learner = UserFactory()
            set_status(learner, resource, Status.DONE)
            answer_time_spent(learner, resource, 3.5)
            approve(learner, brief)
        page_insight.curriculum_insight(use_cache=False)  # the outline, cached as on any page
        with assert_database_query_count(14):  # the answers on time spent: 1, however many
            page_insight.curriculum_insight(use_cache=False)


def test_figures_are_cached_briefly():
    ResourceFactory()
    page_insight.curriculum_insight()
    with assert_database_query_count(0):
        page_insight.curriculum_insight()
