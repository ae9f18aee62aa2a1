"""Resume: one "Continue" action that opens the next resource in a new tab and marks it in progress."""

import pytest
from django.urls import reverse

from progress import selectors, services
from progress.models import Activity, ResourceProgress, Status
from stages.models import Resource

pytestmark = pytest.mark.django_db


def first_resource():
    return Resource.objects.filter(stage__order=1, optional=False).order_by("order").first()


def test_continue_marks_a_new_resource_in_progress_and_redirects_to_it(curriculum, learner, learner_client):
    resource = first_resource()
    response = learner_client.post(reverse("progress:continue", args=[resource.pk]))
    assert response.status_code == 302
    assert response.url == resource.url
    assert ResourceProgress.objects.get(user=learner, resource=resource).status == Status.IN_PROGRESS


def test_continue_leaves_a_done_resource_done(curriculum, learner, learner_client):
    resource = first_resource()
    services.set_status(learner, resource, Status.DONE)
    learner_client.post(reverse("progress:continue", args=[resource.pk]))
    assert ResourceProgress.objects.get(user=learner, resource=resource).status == Status.DONE
    assert list(Activity.objects.filter(user=learner).values_list("status", flat=True).order_by("id")) == ["done", ""]


def test_continue_by_get_changes_nothing_and_leads_to_the_resource_on_its_stage(curriculum, learner, learner_client):
    resource = first_resource()
    response = learner_client.get(reverse("progress:continue", args=[resource.pk]))
    assert response.url.endswith(f"#resource-{resource.pk}")
    assert not ResourceProgress.objects.filter(user=learner).exists()


def test_continue_needs_a_signed_in_learner(curriculum, client):
    resource = first_resource()
    response = client.post(reverse("progress:continue", args=[resource.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response.url
    assert not ResourceProgress.objects.exists()


def test_resume_returns_to_the_resource_the_learner_last_opened(curriculum, learner):
    first, second = Resource.objects.filter(stage__order=1, optional=False).order_by("order")[:2]
    services.open_resource(learner, second)
    services.open_resource(learner, first)
    assert selectors.resume(learner) == first
    services.open_resource(learner, second)
    assert selectors.resume(learner) == second


def test_dashboard_shows_one_continue_form_opening_in_a_new_tab(curriculum, learner_client):
    resource = first_resource()
    html = learner_client.get(reverse("dashboard")).content.decode()
    assert html.count('class="continue"') == 1
    assert f'action="{reverse("progress:continue", args=[resource.pk])}" target="_blank"' in html
    assert f"Continue: {resource.title}" in html


def test_home_page_shows_continue_when_signed_in(curriculum, learner_client):
    html = learner_client.get(reverse("home")).content.decode()
    assert f"Continue: {first_resource().title}" in html


def test_home_page_shows_no_continue_when_signed_out(curriculum, client):
    assert "Continue:" not in client.get(reverse("home")).content.decode()


def test_stage_page_continue_points_at_this_stages_next_resource(curriculum, learner, learner_client):
    resource = Resource.objects.filter(stage__order=2, optional=False).order_by("order").first()
    html = learner_client.get(resource.stage.get_absolute_url()).content.decode()
    assert f"Continue: {resource.title}" in html


def test_dashboard_continue_follows_the_resource_the_learner_opened_last(curriculum, learner, learner_client):
    first, second = Resource.objects.filter(stage__order=1, optional=False).order_by("order")[:2]
    services.open_resource(learner, first)
    services.open_resource(learner, second)
    learner_client.get(reverse("dashboard"))  # the progress part is cached now
    services.open_resource(learner, first)  # already in progress: only where the learner was changes
    assert f"Continue: {first.title}" in learner_client.get(reverse("dashboard")).content.decode()
