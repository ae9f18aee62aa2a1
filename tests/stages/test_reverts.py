"""Issue 27: a revert touches only what it names; nothing an editor saved is lost without being told.

The issue's sequence, through the admin's own forms: edit a resource's title and effort, reorder
the stage's resources, add a section to the stage body, then revert the resource to its first
version. Only the resource's ticked fields go back; the body, the order and the other resources
keep what was saved; the revert is a version of its own.
"""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from reversion.models import Version

from stages.models import Resource, Stage
from tests.stages.test_content_admin import _change_form_data

pytestmark = pytest.mark.django_db

TIP = "## Tip\n\nRead the notebooks twice."


@pytest.fixture
def editor(client, staff):
    client.force_login(staff)
    return client


def edit(editor, url, **changes):
    data = _change_form_data(editor, url)
    data.update(changes)
    response = editor.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    return data


def swap_first_two_resources(editor, stage):
    url = reverse("admin:stages_stage_change", args=[stage.pk])
    data = _change_form_data(editor, url)
    orders = {k: v for k, v in data.items() if k.startswith("resources-") and k.endswith("-order")}
    first, second = sorted(orders, key=lambda k: int(orders[k]))[:2]
    data[first], data[second] = orders[second], orders[first]
    assert editor.post(url, data).status_code == 302


@pytest.fixture
def edited(editor, curriculum):
    """The issue's three saves, each through its admin form."""
    stage = Stage.objects.get(slug="practical-encounter")
    resource = stage.resources.order_by("order")[1]
    first_version = Version.objects.get_for_object(resource).last()
    edit(
        editor,
        reverse("admin:stages_resource_change", args=[resource.pk]),
        title="Renamed course",
        effort_hours="12",
        effort_basis="Measured by our editor",
    )
    swap_first_two_resources(editor, stage)
    stage.refresh_from_db()
    edit(editor, reverse("admin:stages_stage_change", args=[stage.pk]), body=f"{stage.body}\n\n{TIP}")
    return stage, resource, first_version


def order_of(stage):
    return list(stage.resources.order_by("order").values_list("pk", flat=True))


def test_the_confirmation_names_each_changed_field_and_the_later_edits(editor, edited):
    _stage, resource, first_version = edited
    page = editor.get(reverse("admin:stages_resource_revision", args=[resource.pk, first_version.pk])).text
    for label in ("Title", "Estimated effort (hours)", "Basis of the estimate", "Order"):
        assert f">{label}</label>" in page
    assert 'value="title" id="revert-title" checked' in page
    assert 'value="order" id="revert-order">' in page  # a position is named, not ticked
    assert "Renamed course" in page
    assert "Edits of this resource since then" in page
    assert page.count("Saved since: ") == 4  # title, effort, basis by the resource edit; order by the reorder


def test_reverting_a_resource_keeps_the_stage_body_and_the_order_saved_since(editor, edited):
    stage, resource, first_version = edited
    order_before, stage_versions = order_of(stage), Version.objects.get_for_object(stage).count()
    response = editor.post(
        reverse("admin:stages_resource_revision", args=[resource.pk, first_version.pk]),
        {"field": ["title", "effort_hours", "effort_basis"]},
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    stage.refresh_from_db()
    then = first_version.field_dict
    assert (resource.title, resource.effort_basis) == (then["title"], then["effort_basis"])
    assert TIP in stage.body
    assert "Read the notebooks twice." in editor.get(stage.get_absolute_url()).text  # on the learner's page too
    assert order_of(stage) == order_before
    assert Version.objects.get_for_object(stage).count() == stage_versions


def test_the_revert_is_a_version_of_its_own_and_says_what_it_did(editor, edited, staff):
    _stage, resource, first_version = edited
    editor.post(
        reverse("admin:stages_resource_revision", args=[resource.pk, first_version.pk]),
        {"field": ["title"]},
    )
    latest = Version.objects.get_for_object(resource).first()
    assert latest.revision.get_comment().startswith("Reverted Title to its version of ")
    assert latest.revision.user == staff
    assert LogEntry.objects.filter(object_id=str(resource.pk)).first().get_change_message() == "Changed Title."
    history = editor.get(reverse("admin:stages_resource_history", args=[resource.pk])).text
    assert "Reverted Title to its version of" in history


def test_an_unticked_field_keeps_its_saved_value(editor, edited):
    _stage, resource, first_version = edited
    editor.post(
        reverse("admin:stages_resource_revision", args=[resource.pk, first_version.pk]),
        {"field": ["title"]},
    )
    resource.refresh_from_db()
    assert str(resource.effort_hours) in {"12", "12.0", "12.00"}
    assert resource.effort_basis == "Measured by our editor"


def test_nothing_ticked_reverts_nothing_and_says_so(editor, edited):
    _stage, resource, first_version = edited
    url = reverse("admin:stages_resource_revision", args=[resource.pk, first_version.pk])
    response = editor.post(url, {}, follow=True)
    assert "Nothing was reverted" in response.text
    resource.refresh_from_db()
    assert resource.title == "Renamed course"


def test_a_version_that_matches_the_saved_content_offers_nothing_to_revert(editor, curriculum):
    resource = Resource.objects.order_by("pk").first()
    version = Version.objects.get_for_object(resource).first()
    page = editor.get(reverse("admin:stages_resource_revision", args=[resource.pk, version.pk])).text
    assert "Nothing to revert" in page


def test_reverting_needs_change_permission(client, edited):
    from tests.factories import UserFactory

    _stage, resource, first_version = edited
    client.force_login(UserFactory(is_staff=True))
    url = reverse("admin:stages_resource_revision", args=[resource.pk, first_version.pk])
    assert client.post(url, {"field": ["title"]}).status_code == 403
    resource.refresh_from_db()
    assert resource.title == "Renamed course"


# --------------------------------------------------------------------------- saves that change nothing


def test_saving_the_stage_untouched_from_a_browser_changes_nothing(editor, curriculum):
    stage = Stage.objects.get(slug="practical-encounter")
    resource_versions = {r.pk: Version.objects.get_for_object(r).count() for r in stage.resources.all()}
    stage_versions = Version.objects.get_for_object(stage).count()
    url = reverse("admin:stages_stage_change", args=[stage.pk])
    data = _change_form_data(editor, url)
    # A browser sends every textarea's line breaks as CRLF.
    data = {k: v.replace("\n", "\r\n") if isinstance(v, str) else v for k, v in data.items()}
    assert editor.post(url, data).status_code == 302
    assert LogEntry.objects.filter(object_id=str(stage.pk)).first().get_change_message() == "No fields changed."
    assert {r.pk: Version.objects.get_for_object(r).count() for r in stage.resources.all()} == resource_versions
    assert Version.objects.get_for_object(stage).count() == stage_versions


def test_a_stage_saved_with_one_resource_changed_adds_a_version_to_that_resource_only(editor, curriculum):
    stage = Stage.objects.get(slug="practical-encounter")
    resources = list(stage.resources.order_by("order"))
    counts = {r.pk: Version.objects.get_for_object(r).count() for r in resources}
    url = reverse("admin:stages_stage_change", args=[stage.pk])
    data = _change_form_data(editor, url)
    title_key = next(k for k, v in data.items() if k.endswith("-title") and v == resources[0].title)
    data[title_key] = "A new title"
    assert editor.post(url, data).status_code == 302
    after = {r.pk: Version.objects.get_for_object(r).count() for r in resources}
    assert after == {pk: n + (pk == resources[0].pk) for pk, n in counts.items()}


# --------------------------------------------------------------------------- a deleted object


def test_restoring_a_deleted_resource_leaves_everything_else_as_saved(editor, edited):
    stage, resource, _first_version = edited
    other = stage.resources.exclude(pk=resource.pk).order_by("order").first()
    editor.post(reverse("admin:stages_resource_delete", args=[other.pk]), {"post": "yes"})
    deleted = Version.objects.get_deleted(Resource).get(object_id=str(other.pk))
    recover_url = reverse("admin:stages_resource_recover", args=[deleted.pk])
    assert "Restore it" in editor.get(recover_url).text
    assert editor.post(recover_url).status_code == 302
    stage.refresh_from_db()
    resource.refresh_from_db()
    assert Resource.objects.filter(pk=other.pk).exists()
    assert TIP in stage.body
    assert resource.title == "Renamed course"


# --------------------------------------------------------------------------- which text is Markdown


def test_a_resource_description_is_markdown_on_the_learners_page(client, curriculum):
    resource = Resource.objects.order_by("pk").first()
    resource.description = "Read it **after** the [course](https://example.org/c)."
    resource.save()
    page = client.get(resource.stage.get_absolute_url()).text
    assert "Read it <strong>after</strong> the" in page
    assert "**after**" not in page


def test_each_text_field_says_whether_it_is_markdown(editor, curriculum):
    resource = Resource.objects.order_by("pk").first()
    resource_page = editor.get(reverse("admin:stages_resource_change", args=[resource.pk])).text
    assert "(Markdown: **bold**" in resource_page
    assert 'class="markdown-preview"' in resource_page
    stage_page = editor.get(reverse("admin:stages_stage_change", args=[resource.stage_id])).text
    assert "(plain text)" in stage_page
    assert "text (Markdown)." in stage_page
    assert "drag a row by its ⠿ caption, or focus it and use the arrow keys" in stage_page


# --------------------------------------------------------------------------- every kind of content


def _edit_in_a_revision(obj, **values):
    import reversion

    with reversion.create_revision():
        for name, value in values.items():
            setattr(obj, name, value)
        obj.save()


@pytest.mark.parametrize(
    ("model_name", "reverted", "kept"),
    [
        ("stage", ("title", "Renamed stage"), ("summary", "A summary saved later.")),
        ("resource", ("title", "Renamed resource"), ("authors", "Authors saved later")),
        ("capstonebrief", ("title", "Renamed brief"), ("focus", "A focus saved later")),
        ("framework", ("instead", "Something else instead"), ("url", "https://example.org/later")),
        ("projectidea", ("title", "Renamed idea"), ("url", "https://example.org/idea-later")),
    ],
)
def test_each_kind_of_content_reverts_the_ticked_field_and_keeps_a_later_edit(
    editor, curriculum, model_name, reverted, kept
):
    from django.apps import apps

    model = apps.get_model("stages", model_name)
    obj = model.objects.order_by("pk").last()
    first = Version.objects.get_for_object(obj).last()
    original = getattr(obj, reverted[0])
    _edit_in_a_revision(obj, **{reverted[0]: reverted[1]})
    _edit_in_a_revision(obj, **{kept[0]: kept[1]})
    url = reverse(f"admin:stages_{model_name}_revision", args=[obj.pk, first.pk])
    page = editor.get(url).text
    assert f'value="{reverted[0]}"' in page
    assert f'value="{kept[0]}"' in page
    assert editor.post(url, {"field": [reverted[0]]}).status_code == 302
    obj.refresh_from_db()
    assert (getattr(obj, reverted[0]), getattr(obj, kept[0])) == (original, kept[1])
    assert Version.objects.get_for_object(obj).first().revision.get_comment().startswith("Reverted ")


def test_a_briefs_frameworks_revert_as_a_field_of_the_brief_alone(editor, curriculum):
    from stages.models import CapstoneBrief, Framework

    brief = CapstoneBrief.objects.order_by("pk").first()
    first = Version.objects.get_for_object(brief).last()
    allowed = set(brief.allowed_frameworks.values_list("pk", flat=True))
    import reversion

    with reversion.create_revision():
        brief.allowed_frameworks.remove(brief.allowed_frameworks.first())
        brief.save()
    url = reverse("admin:stages_capstonebrief_revision", args=[brief.pk, first.pk])
    assert ">Allowed frameworks</label>" in editor.get(url).text
    editor.post(url, {"field": ["allowed_frameworks"]})
    assert set(brief.allowed_frameworks.values_list("pk", flat=True)) == allowed
    assert Framework.objects.count() == 5  # nothing else came back or went
