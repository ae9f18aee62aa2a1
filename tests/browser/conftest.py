"""Real headless Chromium (Debian's package) driven by Playwright against a live server."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between browser steps are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


# Package scope: Playwright's sync API keeps an event loop running in this thread
# while it is open, which would break asyncio.run() in the tests that follow.
@pytest.fixture(scope="package")
def browser():
    path = _chromium_path()
    if not path:
        pytest.skip("Chromium is not installed (CI installs Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(params=["js", "no-js"])
def javascript(request):
    return request.param == "js"


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(*, javascript: bool = True, color_scheme: str = "light"):
        context = browser.new_context(
            java_script_enabled=javascript, viewport={"width": 1200, "height": 900}, color_scheme=color_scheme
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(request):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{name}.png".replace("/", "_")
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def media_in_tmp(settings, tmp_path):
    """Uploaded notebooks go to a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def tasks_in_live_server(tasks_in_process):
    """Run enqueued tasks in the live server's thread, also when REDIS_URL points at a broker.

    The report is then ready when the page after the upload loads. The real worker on
    real Redis is proven in tests/capstones/test_worker.py.
    """
