"""Arbitrary input never makes the app crash or answer 500."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlcurriculum.markdown import render_markdown
from stages import curriculum as cur

from .outcomes import refusal

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(st.text())
def test_markdown_rendering_never_emits_script_or_handlers(text):
    html = render_markdown(text).lower()
    assert "<script" not in html
    assert 'href="javascript:' not in html
    assert " onerror=" not in html
    assert " onload=" not in html


@FAST
@given(st.text())
def test_curriculum_parser_rejects_garbage_with_a_curriculum_error(text):
    assert refusal(cur.parse, text, error=cur.CurriculumError) != ""


@FAST
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
        max_leaves=30,
    )
)
def test_curriculum_parser_rejects_any_structure_with_a_curriculum_error(data):
    import yaml

    assert refusal(cur.parse, yaml.safe_dump({"stages": data, "frameworks": data}), error=cur.CurriculumError) != ""


@pytest.mark.django_db
@FAST
@given(email=st.text(max_size=300), password=st.text(max_size=200))
def test_signup_form_answers_any_input_without_a_server_error(client, email, password):
    from django.core.cache import cache

    cache.clear()
    response = client.post(reverse("account_signup"), {"email": email, "password1": password, "password2": password})
    assert response.status_code in (200, 302)


@pytest.mark.django_db
@FAST
@given(login=st.text(max_size=300), password=st.text(max_size=200))
def test_login_form_answers_any_input_without_a_server_error(client, login, password):
    from django.core.cache import cache

    cache.clear()
    response = client.post(reverse("account_login"), {"login": login, "password": password})
    assert response.status_code in (200, 302)


@pytest.mark.django_db
@FAST
@given(note=st.text(max_size=12_000), status=st.text(max_size=20))
def test_progress_forms_answer_any_input_without_a_server_error(learner_client, curriculum, note, status):
    from stages.models import Resource

    resource = Resource.objects.order_by("pk").first()
    for name, data in (("progress:save_note", {"note": note}), ("progress:set_status", {"status": status})):
        response = learner_client.post(reverse(name, args=[resource.pk]), data)
        assert response.status_code in (200, 302, 400), name


@pytest.mark.django_db
@FAST
@given(
    title=st.text(max_size=300),
    write_up=st.text(max_size=500),
    repository_url=st.text(max_size=200),
    own_problem=st.text(max_size=200),
    notebook=st.binary(max_size=3000),
)
def test_capstone_submission_form_answers_any_input_without_a_server_error(
    learner_client, curriculum, settings, tmp_path, title, write_up, repository_url, own_problem, notebook
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    url = reverse("capstones:submit", kwargs={"key": "capstone-1"})
    response = learner_client.post(
        url,
        {
            "title": title,
            "write_up": write_up,
            "repository_url": repository_url,
            "own_problem": own_problem,
            "notebook": SimpleUploadedFile("n.ipynb", notebook, content_type="application/x-ipynb+json"),
        },
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200 and title.strip() and "\x00" not in title:
        # A rejected submission keeps what the learner typed.
        from django.utils.html import escape

        assert escape(title.strip()) in response.content.decode() or not response.context["form"].errors
