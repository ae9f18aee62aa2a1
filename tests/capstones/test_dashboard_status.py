from django.urls import reverse


def test_dashboard_shows_each_capstone_with_the_learners_submission_status(client, learner, submission, brief):
    client.force_login(learner)
    html = client.get(reverse("dashboard")).content.decode()
    section = html.split('id="capstones-title"')[1].split("</section>")[0]
    assert brief.title in section
    assert submission.get_status_display() in section
    assert f'href="{submission.get_absolute_url()}"' in section


def test_dashboard_offers_the_submit_form_for_a_capstone_not_started(client, learner, brief):
    client.force_login(learner)
    html = client.get(reverse("dashboard")).content.decode()
    section = html.split('id="capstones-title"')[1].split("</section>")[0]
    assert "Not submitted yet" in section
    assert reverse("capstones:submit", kwargs={"key": brief.key}) in section


# --- The dashboard is cached whole under the learner's change stamp: every capstone writer moves it.


def capstones_section(client) -> str:
    html = client.get(reverse("dashboard")).content.decode()
    return html.split('id="capstones-title"')[1].split("</section>")[0]


def test_a_new_submission_shows_on_the_dashboard_at_once(client, learner, brief, make_submission):
    client.force_login(learner)
    assert "Not submitted yet" in capstones_section(client)
    make_submission(learner, brief)
    section = capstones_section(client)
    assert "Not submitted yet" not in section
    assert "iteration 1" in section


def test_a_finished_automatic_check_shows_on_the_dashboard_at_once(
    client, learner, brief, django_capture_on_commit_callbacks
):
    from capstones import services
    from capstones.models import Report

    from .notebook_builders import as_bytes, good_notebook

    with django_capture_on_commit_callbacks(execute=False):  # the check has not run yet
        iteration = services.submit_iteration(
            learner=learner,
            brief=brief,
            title="Digits",
            idea=brief.ideas.first(),
            own_problem="",
            repository_url="",
            write_up="",
            notebook_bytes=as_bytes(good_notebook()),
            filename="digits.ipynb",
        )
    client.force_login(learner)
    assert "Automatic check running" in capstones_section(client)
    services.finish_analysis(iteration.pk, verdict=Report.Verdict.PASS)
    section = capstones_section(client)
    assert "Waiting for review" in section
    assert "automatic check: Pass" in section


def test_a_mentors_claim_shows_on_the_dashboard_at_once(client, learner, submission, mentor):
    from capstones import services

    client.force_login(learner)
    assert "Waiting for review" in capstones_section(client)
    services.claim(submission, mentor=mentor)
    assert "In review" in capstones_section(client)


def test_a_mentors_decision_shows_on_the_dashboard_at_once(client, learner, claimed, mentor):
    from capstones import services
    from capstones.models import Review

    client.force_login(learner)
    assert "In review" in capstones_section(client)
    services.decide(claimed, mentor=mentor, decision=Review.Decision.CHANGES_REQUESTED, feedback="Add a baseline.")
    assert "Changes requested" in capstones_section(client)


def test_a_check_rerun_ordered_by_staff_shows_on_the_dashboard_at_once(
    client, admin_client, learner, submission, django_capture_on_commit_callbacks
):
    from capstones.models import Report

    client.force_login(learner)
    assert "automatic check:" in capstones_section(client)
    report = Report.objects.get(iteration__submission=submission)
    with django_capture_on_commit_callbacks(execute=False):  # the new check has not finished yet
        admin_client.post(
            reverse("admin:capstones_report_changelist"), {"action": "rerun", "_selected_action": [report.pk]}
        )
    assert "automatic check:" not in capstones_section(client)
