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
