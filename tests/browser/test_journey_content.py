"""An admin maintains the curriculum in a real browser at 1280 px: drag, preview, edit, revert, export."""

import re

import pytest
from playwright.sync_api import expect

from stages import curriculum as cur
from stages.models import CapstoneBrief, Framework, ProjectIdea, Resource, SeededKey, Stage
from stages.services import load_curriculum

from .steps import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def admin_page(browser, live_server, staff):
    from django.core.management import call_command

    call_command("load_curriculum", verbosity=0)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server, staff)
    yield page
    context.close()
    assert not errors, errors


def _fits_the_window(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_admin_drags_a_resource_to_a_new_place_and_the_page_fits_1280px(admin_page, live_server, screenshot):
    stage = Stage.objects.get(slug="deep-dive")
    first, second = stage.resources.order_by("order")[:2]
    page = admin_page
    page.goto(f"{live_server.url}/admin/stages/stage/{stage.pk}/change/")
    screenshot(page, "stage-1280")
    assert _fits_the_window(page), page.evaluate("document.documentElement.scrollWidth")
    handles = page.locator("#resources-group tr.has_original td.original p")
    # SortableJS uses the browser's native drag and drop, which Playwright drives in Chromium.
    handles.nth(1).drag_to(handles.nth(0), target_position={"x": 10, "y": 2})
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/stages/stage/$"))
    assert list(stage.resources.order_by("order").values_list("pk", flat=True)[:2]) == [second.pk, first.pk]


def test_admin_reorders_resources_with_the_keyboard(admin_page, live_server):
    stage = Stage.objects.get(slug="deep-dive")
    before = list(stage.resources.order_by("order").values_list("pk", flat=True))
    page = admin_page
    page.goto(f"{live_server.url}/admin/stages/stage/{stage.pk}/change/")
    handle = page.locator("#resources-group tr.has_original td.original p").nth(0)
    handle.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    moved = Resource.objects.get(pk=before[0]).title
    expect(page.get_by_role("status")).to_have_text(re.compile(rf"^{re.escape(moved)}: position 3 of \d+"))
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/stages/stage/$"))
    after = list(stage.resources.order_by("order").values_list("pk", flat=True))
    assert after[:3] == [before[1], before[2], before[0]]


def test_admin_previews_a_stage_body_as_learners_will_see_it(admin_page, live_server, screenshot):
    stage = Stage.objects.get(slug="deep-dive")
    page = admin_page
    page.goto(f"{live_server.url}/admin/stages/stage/{stage.pk}/change/")
    page.fill("textarea[name=body]", "A **previewed** change <script>window.pwned = 1</script>")
    page.get_by_role("button", name="Update preview").click()
    preview = page.locator("#id_body_preview")
    preview.locator("strong", has_text="previewed").wait_for()
    assert page.evaluate("window.pwned") is None
    screenshot(page, "preview")


def test_admin_reverts_a_resource_and_keeps_the_stage_body_saved_since(admin_page, live_server, screenshot):
    """Issue 27's sequence: edit a resource, add a section to its stage, revert the resource."""
    resource = Resource.objects.get(key="sutton-barto")
    old_url, old_title = resource.url, resource.title
    page = admin_page
    page.goto(f"{live_server.url}/admin/stages/resource/{resource.pk}/change/")
    page.fill("input[name=url]", "https://example.com/moved-elsewhere")
    page.fill("input[name=title]", "Renamed by mistake")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/stages/resource/$"))
    page.goto(f"{live_server.url}/admin/stages/stage/{resource.stage_id}/change/")
    body = page.locator("textarea[name=body]")
    body.fill(body.input_value() + "\n\n## Tip\n\nRead each chapter twice.")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/stages/stage/$"))

    page.goto(f"{live_server.url}/admin/stages/resource/{resource.pk}/history/")
    screenshot(page, "history")
    page.locator("#change-history tr", has_text="Loaded from the curriculum file").get_by_role("link").click()
    page.wait_for_url(re.compile(r"/history/\d+/$"))
    expect(page.get_by_label("Url")).to_be_checked()
    expect(page.get_by_label("Title")).to_be_checked()
    page.get_by_label("Title").uncheck()  # keep the new title, take back the address only
    screenshot(page, "revert-confirmation")
    page.get_by_role("button", name="Revert the ticked fields").click()
    expect(page.get_by_text("Url reverted. Nothing else was changed.")).to_be_visible()
    resource.refresh_from_db()
    assert (resource.url, resource.title) == (old_url, "Renamed by mistake")
    assert old_title != resource.title
    page.goto(f"{live_server.url}/stages/{resource.stage.slug}/")
    expect(page.get_by_text("Read each chapter twice.")).to_be_visible()


def test_admin_exports_the_curriculum_and_it_loads_into_an_empty_database(admin_page, live_server, tmp_path):
    page = admin_page
    page.goto(f"{live_server.url}/admin/stages/stage/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export the curriculum file").click()
    target = tmp_path / "curriculum.yaml"
    download.value.save_as(target)
    exported = cur.read(target)

    for model in (ProjectIdea, CapstoneBrief, Framework, Resource, Stage, SeededKey):
        model.objects.all().delete()
    load_curriculum(exported)
    assert Resource.objects.count() == sum(len(s.resources) for s in exported.stages)
    assert cur.read(cur.DEFAULT_PATH) == exported
    # Unedited, the download is the committed file itself: an edit would be its own diff.
    assert target.read_text(encoding="utf-8") == cur.DEFAULT_PATH.read_text(encoding="utf-8")
