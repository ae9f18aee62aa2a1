import pytest
from django.urls import reverse

from capstones.models import Iteration, Submission
from tests.submitting import submission_form, upload

from .notebook_builders import as_bytes, code, counted, good_notebook, md, notebook


@pytest.fixture
def submit_url(brief):
    return reverse("capstones:submit", kwargs={"key": brief.key})


def form_data(brief, **overrides):
    """The learner's own problem rather than one of the brief's ideas."""
    own = {
        "idea": "",
        "own_problem": "Classifying bird songs",
        "repository_url": "https://example.com/me/birds",
        "write_up": "My careful write-up about birds.",
    }
    return submission_form(brief, **{**own, **overrides})


def post(client, url, data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url, data)


def test_submit_form_lists_the_briefs_ideas(learner_client, submit_url):
    response = learner_client.get(submit_url)
    assert response.status_code == 200
    assert "Hand written digit recognition" in response.text


def test_valid_submission_redirects_to_its_first_iteration(
    learner_client, learner, brief, submit_url, django_capture_on_commit_callbacks
):
    response = post(learner_client, submit_url, form_data(brief), django_capture_on_commit_callbacks)
    submission = Submission.objects.get(learner=learner, brief=brief)
    assert response.status_code == 302
    assert response.url == reverse("capstones:iteration", kwargs={"pk": submission.pk, "number": 1})
    assert submission.own_problem == "Classifying bird songs"


def test_message_after_submitting_says_the_check_is_running_while_it_is(learner_client, brief, submit_url):
    # The after-commit analysis never runs here: the report stays pending.
    response = learner_client.post(submit_url, form_data(brief), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Iteration 1 submitted. The automatic check is running; its report appears below when it is done."
    ]


@pytest.mark.django_db(transaction=True)
def test_message_after_submitting_points_to_the_check_once_it_has_finished(learner_client, brief, submit_url):
    # A real commit runs the in-process analysis before the view writes its message.
    response = learner_client.post(submit_url, form_data(brief), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Iteration 1 submitted. Its automatic check is below."]
    assert "Pass" in response.text


def test_uploaded_notebook_is_stored_through_the_storage_api(
    learner_client, learner, brief, submit_url, django_capture_on_commit_callbacks, settings
):
    post(learner_client, submit_url, form_data(brief), django_capture_on_commit_callbacks)
    iteration = Iteration.objects.get(submission__learner=learner)
    assert iteration.notebook.name.startswith("capstones/notebooks/")
    assert iteration.notebook.storage.exists(iteration.notebook.name)
    assert iteration.notebook.read() == as_bytes(good_notebook())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not json at all", "not valid JSON"),
        (b'{"a": 1}', "not a Jupyter notebook"),
        (b'{"nbformat": 5, "nbformat_minor": 0, "cells": [], "metadata": {}}', "newer than this site understands"),
        (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}', "empty"),
        (b'{"nbformat": 4, "metadata": ' + b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b', "cells": []}', "nested"),
    ],
    ids=["not-json", "not-notebook", "newer-format", "empty", "nested-too-deep"],
)
def test_bad_upload_is_refused_with_a_clear_message_keeping_typed_fields(
    learner_client, brief, submit_url, data, message
):
    response = learner_client.post(submit_url, form_data(brief, notebook=upload(data=data)))
    assert response.status_code == 200
    assert message in response.text
    assert "Classifying bird songs" in response.text
    assert "My careful write-up about birds." in response.text
    assert "https://example.com/me/birds" in response.text
    assert not Submission.objects.exists()


def test_file_over_the_size_limit_is_refused(learner_client, brief, submit_url, settings):
    settings.CAPSTONE_MAX_NOTEBOOK_BYTES = 1024
    response = learner_client.post(submit_url, form_data(brief, notebook=upload(data=b" " * 4096)))
    assert "notebooks may be at most" in response.text
    assert not Submission.objects.exists()


def test_non_ipynb_file_name_is_refused(learner_client, brief, submit_url):
    response = learner_client.post(submit_url, form_data(brief, notebook=upload(name="notes.txt")))
    assert "Upload the notebook&#x27;s .ipynb file" in response.text


def test_repository_url_must_be_http(learner_client, brief, submit_url):
    response = learner_client.post(submit_url, form_data(brief, repository_url="javascript:alert(1)"))
    assert "Enter an http:// or https:// address." in response.text
    assert not Submission.objects.exists()


def test_other_errors_ask_to_choose_the_file_again(learner_client, brief, submit_url):
    response = learner_client.post(submit_url, form_data(brief, own_problem=""))
    assert "Choose one of the project ideas" in response.text
    assert "choose the notebook file again" in response.text


def test_resubmission_form_is_prefilled_from_the_last_iteration(learner_client, submission, mentor, brief):
    from capstones import services

    services.claim(submission, mentor=mentor)
    services.decide(submission, mentor=mentor, decision="changes_requested", feedback="more")
    response = learner_client.get(reverse("capstones:submit", kwargs={"key": brief.key}))
    assert "I trained a *small* CNN." in response.text
    assert "New iteration" in response.text


def test_submit_page_redirects_while_in_review(learner_client, claimed, brief):
    response = learner_client.get(reverse("capstones:submit", kwargs={"key": brief.key}))
    assert response.status_code == 302
    assert response.url == claimed.get_absolute_url()


def test_iteration_page_shows_report_and_sandboxed_frame(learner_client, submission):
    response = learner_client.get(submission.get_absolute_url())
    assert "Pass" in response.text
    assert "torch" in response.text
    frame_src = reverse("capstones:notebook", kwargs={"pk": submission.pk, "number": 1})
    assert '<iframe class="notebook-frame" sandbox="allow-top-navigation-by-user-activation" title=' in response.text
    assert frame_src in response.text


def test_iteration_page_lists_a_forbidden_import_once(learner_client, learner, brief, make_submission):
    submission = make_submission(learner, brief, notebook(md(), code("import torch\nfrom keras import layers")))
    response = learner_client.get(submission.get_absolute_url())
    assert "Breaks the rules" in response.text
    assert response.text.count("in cell 2, line 2") == 1


def test_iteration_page_counts_code_cells_that_were_run(learner_client, learner, brief, make_submission):
    # Run without output (an import, an assignment) still counts as run.
    nb = notebook(md(), code("import torch", outputs=[]), md(), code("x = 1", executed=False))
    submission = make_submission(learner, brief, nb)
    response = learner_client.get(submission.get_absolute_url())
    assert "1 of 2 code cells were run, in order</dd>" in response.text


def test_iteration_page_names_the_cells_that_ran_out_of_order(learner_client, learner, brief, make_submission):
    submission = make_submission(learner, brief, counted(1, 2, 12, 3, 4))
    response = learner_client.get(submission.get_absolute_url())
    assert "5 of 5 code cells were run;\n        cell 6 ran out of order</dd>" in response.text
    assert "Cell 6 ran out of order: its execution count breaks" in response.text


def test_iteration_page_says_no_cell_ran(learner_client, learner, brief, make_submission):
    submission = make_submission(learner, brief, counted(*[0] * 45))
    response = learner_client.get(submission.get_absolute_url())
    assert "0 of 45 code cells were run</dd>" in response.text
    assert "0 of 45 code cells were run: none has an execution count above 0" in response.text


def test_rendered_notebook_is_served_with_a_sandbox_csp(learner_client, submission):
    response = learner_client.get(reverse("capstones:notebook", kwargs={"pk": submission.pk, "number": 1}))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == (
        "sandbox allow-top-navigation-by-user-activation; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    )
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "nn.Linear" in response.text or "Linear" in response.text


def test_download_is_an_attachment_with_the_original_bytes(learner_client, submission):
    response = learner_client.get(reverse("capstones:download", kwargs={"pk": submission.pk, "number": 1}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == as_bytes(good_notebook())


def test_earlier_iteration_stays_readable(learner_client, submission, mentor, learner, brief, make_submission):
    from capstones import services

    services.claim(submission, mentor=mentor)
    services.decide(submission, mentor=mentor, decision="changes_requested", feedback="Explain the optimiser.")
    make_submission(learner, brief)
    response = learner_client.get(reverse("capstones:iteration", kwargs={"pk": submission.pk, "number": 1}))
    assert response.status_code == 200
    assert "Explain the optimiser." in response.text
    assert "Changes requested" in response.text


def test_stage_page_links_to_the_submit_form(client, learner, brief):
    client.force_login(learner)
    response = client.get(brief.stage.get_absolute_url())
    assert reverse("capstones:submit", kwargs={"key": brief.key}) in response.text


def test_stage_page_invites_anonymous_visitors_to_log_in(client, brief):
    response = client.get(brief.stage.get_absolute_url())
    assert "to submit your notebook" in response.text
    assert reverse("capstones:submit", kwargs={"key": brief.key}) not in response.text
