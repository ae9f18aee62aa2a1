"""The iteration page does not grow with the notebook: no list of every cell."""

import pytest
from django.urls import reverse

from capstones import services
from capstones.models import Comment, Report


@pytest.fixture
def huge(submission):
    # As the check reports a notebook of 330,000 one-word cells.
    Report.objects.filter(iteration__submission=submission).update(data={"cells": 330_000})
    return submission


def test_the_comment_form_asks_for_a_cell_number_not_a_list_of_cells(learner_client, huge):
    page = learner_client.get(huge.get_absolute_url()).text
    assert page.count("<option") < 10
    assert 'type="number"' in page
    assert 'max="330000"' in page


def test_a_comment_on_an_existing_cell_is_saved(learner_client, huge):
    url = reverse("capstones:comment", kwargs={"pk": huge.pk, "number": 1})
    learner_client.post(url, {"body": "About this cell", "cell": "329999"})
    assert Comment.objects.get().cell == 329_999


def test_a_comment_on_a_cell_past_the_last_is_refused(learner_client, huge):
    url = reverse("capstones:comment", kwargs={"pk": huge.pk, "number": 1})
    learner_client.post(url, {"body": "Nowhere", "cell": "330001"})
    assert not Comment.objects.exists()


def test_a_mentors_decision_names_a_cell_by_number(client, huge, mentor):
    services.claim(huge, mentor=mentor)
    client.force_login(mentor)
    page = client.get(huge.get_absolute_url()).text
    assert page.count("<option") < 10
    client.post(
        reverse("capstones:decide", kwargs={"pk": huge.pk}),
        {"decision": "changes_requested", "body": "Fix it", "cell": "12"},
    )
    assert Comment.objects.get().cell == 12


def test_before_the_check_counts_cells_comments_are_on_the_whole_notebook(learner_client, submission):
    Report.objects.filter(iteration__submission=submission).update(data={})
    page = learner_client.get(submission.get_absolute_url()).text
    assert 'name="cell"' not in page
