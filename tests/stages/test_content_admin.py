"""Editing the curriculum as a content team: dragging to reorder, Markdown preview, history with undo."""

import json

import pytest
from django.urls import reverse
from reversion.models import Version

from progress.models import ResourceProgress, Status
from progress.services import set_status
from stages.models import CapstoneBrief, Resource, Stage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, staff):
    client.force_login(staff)
    return client


def _change_form_data(client, url):
    """Every field of an admin change form (inlines and management forms included) as the browser posts it."""
    response = client.get(url)
    data = {}
    forms = [response.context["adminform"].form]
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management.add_prefix(name): value for name, value in management.initial.items()})
        forms.extend(formset.formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            if isinstance(value, list):
                value = [str(v) for v in value]
            elif value is True:
                value = "on"
            data[form.add_prefix(name)] = value
    return data


def test_dragging_a_stage_in_the_list_swaps_positions(editor, curriculum):
    first, second = Stage.objects.order_by("order")[:2]
    response = editor.post(
        reverse("admin:stages_stage_sortable_update"),
        json.dumps({"updatedItems": [[first.pk, second.order], [second.pk, first.order]]}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert list(Stage.objects.order_by("order").values_list("pk", flat=True)[:2]) == [second.pk, first.pk]


def test_dragging_is_refused_to_staff_who_may_not_change_stages(client, curriculum):
    clerk = UserFactory(is_staff=True)
    client.force_login(clerk)
    first, second = Stage.objects.order_by("order")[:2]
    client.post(
        reverse("admin:stages_stage_sortable_update"),
        json.dumps({"updatedItems": [[first.pk, second.order], [second.pk, first.order]]}),
        content_type="application/json",
    )
    assert Stage.objects.order_by("order").first() == first


def test_the_stage_page_lists_resources_in_few_columns_with_a_drag_handle(editor, curriculum):
    stage = Stage.objects.get(slug="deep-dive")
    html = editor.get(reverse("admin:stages_stage_change", args=[stage.pk])).content.decode()
    assert "sortable" in html
    assert 'name="resources-0-authors"' not in html
    assert 'name="resources-0-cost"' not in html


def test_markdown_preview_renders_as_learners_see_it_and_sanitises(editor, curriculum):
    response = editor.post(
        reverse("admin:stages_stage_markdown_preview"), {"text": "**Bold** <script>alert(1)</script>"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>Bold</strong>" in html
    assert "<script" not in html


def test_markdown_preview_is_refused_without_permission_and_to_get(client, editor, curriculum):
    assert editor.get(reverse("admin:stages_capstonebrief_markdown_preview")).status_code == 405
    clerk = UserFactory(is_staff=True)
    client.force_login(clerk)
    assert client.post(reverse("admin:stages_capstonebrief_markdown_preview"), {"text": "x"}).status_code == 403


def test_markdown_preview_refuses_oversized_text_before_rendering(editor, curriculum):
    response = editor.post(reverse("admin:stages_stage_markdown_preview"), {"text": "x" * 100_001})
    assert response.status_code == 413


def test_change_form_shows_the_preview_of_the_saved_text(editor, curriculum):
    brief = CapstoneBrief.objects.order_by("pk").first()
    html = editor.get(reverse("admin:stages_capstonebrief_change", args=[brief.pk])).content.decode()
    assert 'class="markdown-preview"' in html
    assert "<strong>Jupyter notebook</strong>" in html


def test_a_changed_url_is_in_the_history_and_reverting_restores_it_keeping_progress(editor, curriculum):
    resource = Resource.objects.order_by("pk").first()
    old_url = resource.url
    learner = UserFactory()
    set_status(learner, resource, Status.DONE)
    change_url = reverse("admin:stages_resource_change", args=[resource.pk])
    data = _change_form_data(editor, change_url)
    data["url"] = "https://example.com/moved"
    assert editor.post(change_url, data).status_code == 302

    versions = Version.objects.get_for_object(resource)
    assert versions.count() == 2  # the state loaded from the file, then the edit
    assert versions[0].revision.user is not None
    previous = versions[1]
    revision_url = reverse("admin:stages_resource_revision", args=[resource.pk, previous.pk])
    assert editor.post(revision_url, {"field": ["url"]}).status_code == 302

    resource.refresh_from_db()
    assert resource.url == old_url
    assert ResourceProgress.objects.filter(user=learner, resource=resource, status=Status.DONE).exists()


def test_reverting_a_stage_never_deletes_resources_added_since(editor, curriculum):
    stage = Stage.objects.get(slug="deep-dive")
    first_version = Version.objects.get_for_object(stage).first()
    added = Resource.objects.create(
        stage=stage, order=99, key="added-later", title="Added", url="https://e.org/a", kind="article"
    )
    stage.body += "\n\nA later paragraph."
    stage.save()
    revision_url = reverse("admin:stages_stage_revision", args=[stage.pk, first_version.pk])
    assert editor.post(revision_url, {"field": ["body"]}).status_code == 302
    stage.refresh_from_db()
    assert "A later paragraph." not in stage.body
    assert Resource.objects.filter(pk=added.pk).exists()


def test_a_deleted_resource_can_be_restored_from_the_admin(editor, curriculum):
    resource = Resource.objects.order_by("pk").first()
    pk, title = resource.pk, resource.title
    editor.post(reverse("admin:stages_resource_delete", args=[pk]), {"post": "yes"})
    assert not Resource.objects.filter(pk=pk).exists()

    recover_list = editor.get(reverse("admin:stages_resource_recoverlist")).content.decode()
    assert title in recover_list
    deleted = Version.objects.get_deleted(Resource).get(object_id=str(pk))
    recover_url = reverse("admin:stages_resource_recover", args=[deleted.pk])
    assert title in editor.get(recover_url).text
    assert editor.post(recover_url).status_code == 302
    assert Resource.objects.get(pk=pk).title == title


def test_an_admins_content_changes_are_in_their_export_and_stay_when_they_go(editor, staff, curriculum):
    from reversion.models import Revision

    from dlcurriculum.users import lifecycle

    resource = Resource.objects.order_by("pk").first()
    change_url = reverse("admin:stages_resource_change", args=[resource.pk])
    data = _change_form_data(editor, change_url)
    data["title"] = "Renamed by an admin"
    editor.post(change_url, data)
    exported = lifecycle.export_user(staff)["content_changes"]
    assert [row["objects"] for row in exported] == [["Renamed by an admin"]]
    staff.delete()
    assert Revision.objects.filter(comment__icontains="title").exists()
