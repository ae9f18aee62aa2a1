"""Markdown images in a mentor's feedback never become remote images in the decision e-mail."""

from capstones import services
from dlcurriculum.mail.remote import remote_resources

PIXEL = "https://tracker.example/open.gif?learner=7"


def test_feedback_image_reaches_the_learner_as_a_link_not_a_tracking_pixel(
    claimed, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(claimed, mentor=mentor, decision="changes_requested", feedback=f"Compare ![my plot]({PIXEL})")
    [(html, _mimetype)] = mailoutbox[0].alternatives
    assert remote_resources(html) == []
    assert f'href="{PIXEL.replace("&", "&amp;")}"' in html
    assert "Image: my plot" in html
