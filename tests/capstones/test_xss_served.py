"""A hostile notebook, submitted for real, is served without anything that could run."""

from django.urls import reverse

from .notebook_builders import code, md, notebook, output_cell

HOSTILE = notebook(
    md("# Hi\n<script>document.cookie</script><img src=x onerror=alert(1)> [a](javascript:alert(2))"),
    md("<svg><script>alert(3)</script><a xlink:href='javascript:alert(4)'>s</a></svg>"),
    code("import torch"),
    output_cell(
        {
            "text/html": "<iframe src='javascript:alert(5)'></iframe><form action='https://evil.example'><input></form>",
            "image/svg+xml": "<svg onload='alert(6)'/>",
            "application/javascript": "alert(7)",
        }
    ),
)


def test_hostile_notebook_is_served_inert(learner_client, learner, brief, make_submission):
    submission = make_submission(learner, brief, HOSTILE)
    response = learner_client.get(reverse("capstones:notebook", kwargs={"pk": submission.pk, "number": 1}))
    body = response.text.lower()
    # Text that merely reads "javascript:" is harmless; links, handlers and elements are not.
    for needle in (
        "<script",
        "onerror=",
        "onload=",
        'href="javascript',
        'src="javascript',
        "<iframe",
        "<form",
        "alert(7)",
        "evil.example",
    ):
        assert needle not in body, needle
    assert response["Content-Security-Policy"].startswith("sandbox ")
    assert "allow-scripts" not in response["Content-Security-Policy"]


def test_hostile_notebook_page_embeds_it_only_in_a_sandboxed_frame(learner_client, learner, brief, make_submission):
    submission = make_submission(learner, brief, HOSTILE)
    page = learner_client.get(submission.get_absolute_url()).text
    assert "document.cookie" not in page
    assert '<iframe class="notebook-frame" sandbox="allow-top-navigation-by-user-activation" ' in page
