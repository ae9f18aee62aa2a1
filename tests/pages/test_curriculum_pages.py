import pytest
from django.urls import reverse

from stages.models import Stage
from tests.factories import build_curriculum
from tests.queries import assert_database_query_count

PUBLIC_PAGES = ["home", "stages:overview"]


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_renders_with_the_loaded_curriculum(client, curriculum, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    for title in Stage.objects.values_list("title", flat=True):
        assert title in response.content.decode()


def test_every_stage_page_renders_its_resources(client, curriculum):
    for stage in Stage.objects.prefetch_related("resources"):
        response = client.get(stage.get_absolute_url())
        assert response.status_code == 200
        html = response.content.decode()
        for resource in stage.resources.all():
            assert resource.title.replace("&", "&amp;") in html
            assert f'href="{resource.url.replace("&", "&amp;")}"' in html


def test_capstone_page_shows_the_brief(client, curriculum):
    html = client.get(reverse("stages:detail", args=["capstone-1"])).content.decode()
    assert "Supervised Deep Learning" in html
    assert 'class="fw-forbidden"><a href="https://keras.io/"' in html
    assert 'class="fw-allowed"><a href="https://pytorch.org/"' in html
    assert 'href="http://yann.lecun.com/exdb/mnist/"' in html


def test_unknown_stage_is_404(client, curriculum):
    assert client.get(reverse("stages:detail", args=["no-such-stage"])).status_code == 404


def test_stage_body_markdown_cannot_inject_script(client, db):
    (stage,) = build_curriculum(1, 1)
    stage.body = '<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="alert(3)">'
    stage.save()
    html = client.get(stage.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_remote_image_in_a_stage_body_is_a_link(client, db):
    (stage,) = build_curriculum(1, 1)
    stage.body = "![Diagram of a neuron](https://images.example/neuron.svg)"
    stage.save()
    html = client.get(stage.get_absolute_url()).content.decode()
    assert (
        '<a href="https://images.example/neuron.svg" rel="noopener noreferrer nofollow">Image: Diagram of a neuron</a>'
        in html
    )
    assert '<img src="https://images.example' not in html


# Anonymous visitors after a warm-up (caches), the same at both sizes: overview and home read the stages
# with their counts; a stage page reads the stage, its resources and its capstone brief.
PUBLIC_PAGE_QUERIES = {"stages:overview": 1, "home": 1, "detail": 3}


@pytest.mark.parametrize("page", ["stages:overview", "home", "detail"])
def test_num_queries_of_public_pages_does_not_grow_with_the_curriculum(client, db, page):
    for stages, resources in ((3, 2), (30, 20)):
        Stage.objects.all().delete()
        made = build_curriculum(stages, resources)
        url = made[0].get_absolute_url() if page == "detail" else reverse(page)
        client.get(url)  # warm-up: sessions, caches
        with assert_database_query_count(PUBLIC_PAGE_QUERIES[page]):
            assert client.get(url).status_code == 200


def test_num_queries_of_capstone_page_does_not_grow_with_ideas(client, db):
    from tests.factories import ProjectIdeaFactory

    made = build_curriculum(3, 1)
    capstone_stage = made[2]
    for extra in (0, 40):
        ProjectIdeaFactory.create_batch(extra, brief=capstone_stage.capstone)
        client.get(capstone_stage.get_absolute_url())  # warm-up
        with assert_database_query_count(6):
            client.get(capstone_stage.get_absolute_url())


def test_stage_page_links_to_the_previous_and_next_stage(client, db):
    first, middle, last = build_curriculum(3, 1)
    html = client.get(middle.get_absolute_url()).content.decode()
    assert f'<a href="{first.get_absolute_url()}">← {first.title}</a>' in html
    assert f'<a href="{last.get_absolute_url()}">{last.title} →</a>' in html
    first_html = client.get(first.get_absolute_url()).content.decode()
    assert "←" not in first_html
    assert f"{middle.title} →" in first_html
    assert "→</a>" not in client.get(last.get_absolute_url()).content.decode()


def test_a_stage_added_between_two_others_becomes_their_neighbour(client, db):
    first, second = build_curriculum(2, 1)
    client.get(first.get_absolute_url())  # the outline is now cached
    second.order = first.order + 2
    second.save()
    inserted = Stage.objects.create(order=first.order + 1, slug="inserted", title="Inserted stage")
    html = client.get(first.get_absolute_url()).content.decode()
    assert f'<a href="{inserted.get_absolute_url()}">{inserted.title} →</a>' in html
