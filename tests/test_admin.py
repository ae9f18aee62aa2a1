"""Every model registered in the admin loads for staff and is refused to everyone else."""

import pytest
from django.contrib import admin
from django.urls import reverse

REGISTERED = sorted(admin.site._registry, key=lambda m: m._meta.label)


def _urls(model):
    info = (model._meta.app_label, model._meta.model_name)
    urls = [reverse("admin:%s_%s_changelist" % info)]
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission.__func__ is admin.ModelAdmin.has_add_permission:
        urls.append(reverse("admin:%s_%s_add" % info))
    first = model._default_manager.order_by("pk").first()
    if first is not None:
        urls.append(reverse("admin:%s_%s_change" % info, args=[first.pk]))
    return urls


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_admin_pages_load_for_staff(client, curriculum, staff, model):
    client.force_login(staff)
    for url in _urls(model):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_admin_pages_are_refused_to_learners_and_anonymous(client, curriculum, learner, model):
    for url in _urls(model):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url, url
    client.force_login(learner)
    for url in _urls(model):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url, url


def test_admin_changelist_search_and_filters_work_for_resources(client, curriculum, staff):
    client.force_login(staff)
    response = client.get(reverse("admin:stages_resource_changelist"), {"q": "Karpathy", "kind__exact": "article"})
    assert response.status_code == 200
    assert "Pong from Pixels" in response.content.decode()
    assert "Sutton" not in response.content.decode()


def test_admin_can_swap_two_resource_positions_in_one_save(client, curriculum, staff):
    from stages.models import Stage

    client.force_login(staff)
    stage = Stage.objects.get(slug="deep-dive")
    resources = list(stage.resources.order_by("order"))
    url = reverse("admin:stages_stage_change", args=[stage.pk])
    data = {
        "order": stage.order,
        "slug": stage.slug,
        "title": stage.title,
        "summary": stage.summary,
        "body": stage.body,
        "resources-TOTAL_FORMS": len(resources),
        "resources-INITIAL_FORMS": len(resources),
        "resources-MIN_NUM_FORMS": 0,
        "resources-MAX_NUM_FORMS": 1000,
    }
    for i, r in enumerate(resources):
        order = {0: 2, 1: 1}.get(i, r.order)
        data.update(
            {
                f"resources-{i}-id": r.pk,
                f"resources-{i}-stage": stage.pk,
                f"resources-{i}-order": order,
                f"resources-{i}-title": r.title,
                f"resources-{i}-url": r.url,
                f"resources-{i}-kind": r.kind,
                f"resources-{i}-authors": r.authors,
                f"resources-{i}-cost": r.cost,
                f"resources-{i}-key": r.key,
                f"resources-{i}-optional": "on" if r.optional else "",
            }
        )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [r.pk for r in stage.resources.order_by("order")][:2] == [resources[1].pk, resources[0].pk]


def test_edit_in_admin_shows_on_the_stage_page(client, curriculum, staff):
    from stages.models import Resource

    client.force_login(staff)
    resource = Resource.objects.get(key="d2l-notebooks")
    response = client.post(
        reverse("admin:stages_resource_change", args=[resource.pk]),
        {
            "stage": resource.stage_id,
            "order": resource.order,
            "key": resource.key,
            "title": "D2L notebooks, renamed",
            "url": resource.url,
            "kind": resource.kind,
            "authors": resource.authors,
            "description": "",
            "optional": "on",
            "cost": resource.cost,
        },
    )
    assert response.status_code == 302
    client.logout()
    assert "D2L notebooks, renamed" in client.get(resource.stage.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/mail/reminder/?status__exact=failed", "/admin/progress/reminder/?status__exact=failed"),
        ("/admin/capstones/capstonebrief/3/change/", "/admin/stages/capstonebrief/3/change/"),
        ("/admin/capstones/framework/", "/admin/stages/framework/"),
        ("/admin/capstones/projectidea/", "/admin/stages/projectidea/"),
    ],
)
def test_admin_pages_of_moved_models_redirect_to_their_new_app(client, old, new):
    response = client.get(old)
    assert response.status_code == 302
    assert response["Location"] == new
