"""Typeset math in real Chromium (issue #26): a notebook cell's formulas and the write-up's are MathML
that Chromium lays out (a real size, aligned rows stacked), with no script; readable in dark mode and
on a 390 px phone (screenshots in test-artifacts/screenshots/)."""

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output
from playwright.sync_api import expect

from stages.models import CapstoneBrief
from tests import factories
from tests.submitting import submit_capstone

from .steps import notebook, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("media_in_tmp", "tasks_in_live_server"),
]

MATHML = "http://www.w3.org/1998/Math/MathML"
WRITE_UP = (
    "We minimise $\\|\\mathbf{y}-\\mathbf{X}\\mathbf{w}\\|^2$ and report $\\mathbf{w}^*, b^*$ "
    "for labels in $\\{0, 1\\}$:\n\n$$\\hat{y} = \\mathbf{w}^\\top \\mathbf{x} + b$$"
)
CELL = (
    "## Minibatch SGD\n\nEach step takes a minibatch $\\mathcal{B}_t$ and updates\n\n"
    "$$\n\\begin{aligned}\n\\mathbf{w} &\\leftarrow \\mathbf{w} - \\frac{\\eta}{|\\mathcal{B}_t|} "
    "\\sum_{i \\in \\mathcal{B}_t} \\partial_{\\mathbf{w}} l^{(i)}(\\mathbf{w},b), \\\\\n"
    "b &\\leftarrow b - \\frac{\\eta}{|\\mathcal{B}_t|} "
    "\\sum_{i \\in \\mathcal{B}_t} \\partial_b l^{(i)}(\\mathbf{w},b).\n"
    "\\end{aligned}\n$$\n\nA formula the typesetter does not know is shown as written: $\\unknown{x}$."
)


def math_notebook():
    return notebook(
        new_markdown_cell(CELL),
        new_code_cell(
            "import torch\nimport sympy\nsympy.sqrt(x**2 + 1)",
            execution_count=1,
            outputs=[
                new_output(
                    "execute_result",
                    data={"text/latex": "$\\displaystyle \\sqrt{x^{2} + 1}$", "text/plain": "sqrt(x**2 + 1)"},
                    execution_count=1,
                )
            ],
        ),
    )


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None
    return found


def assert_typeset(locator):
    """A MathML element Chromium laid out: MathML namespace, a real width and height."""
    expect(locator).to_be_visible()
    assert locator.evaluate("e => e.namespaceURI") == MATHML
    size = box(locator)
    assert size["width"] > 5
    assert size["height"] > 5


@pytest.fixture
def iteration(curriculum):
    learner = factories.UserFactory(why="To build my own models")
    brief = CapstoneBrief.objects.get(key="capstone-1")
    return learner, submit_capstone(learner, brief, math_notebook(), title="Linear regression", write_up=WRITE_UP)


@pytest.mark.parametrize(
    ("name", "viewport", "scheme"),
    [("desktop", (1200, 900), "light"), ("phone", (390, 844), "light"), ("dark", (1200, 900), "dark")],
)
def test_notebook_and_write_up_math_is_typeset(live_server, new_page, screenshot, iteration, name, viewport, scheme):
    learner, it = iteration
    page = new_page(color_scheme=scheme)
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    sign_in(page, live_server, learner)
    page.goto(live_server.url + it.get_absolute_url())

    write_up = page.locator(".prose").filter(has=page.locator("math"))
    assert write_up.locator("math").count() == 4
    for index in range(4):
        assert_typeset(write_up.locator("math").nth(index))
    assert "$" not in write_up.inner_text()
    # The formula's ink has the text's colour: light on dark, dark on light.
    colour = write_up.locator("math").first.evaluate("e => getComputedStyle(e).color")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert colour != background
    if scheme == "dark":
        assert colour == "rgb(230, 232, 235)"

    frame = page.frame_locator("iframe.notebook-frame")
    cell_math = frame.locator("math")
    expect(cell_math.first).to_be_visible()
    assert cell_math.count() == 3  # B_t, the aligned update, the sympy output
    for index in range(3):
        assert_typeset(cell_math.nth(index))
    aligned = frame.locator('math[display="block"]').first
    rows = aligned.locator("mtr")
    assert rows.count() == 2
    first, second = box(rows.nth(0)), box(rows.nth(1))
    assert second["y"] >= first["y"] + first["height"] * 0.9  # the \\ line break: two rows, one under the other
    assert box(aligned.locator("mo", has_text="←").first)["x"] == pytest.approx(
        box(aligned.locator("mo", has_text="←").nth(1))["x"], abs=2
    )  # &-aligned: both arrows in one column
    source = frame.locator("code.math-source")
    expect(source).to_have_text("$\\unknown{x}$")
    assert source.get_attribute("title") == "Shown as written: \\unknown is not a command the typesetter knows"

    screenshot(page, name)
    # The notebook's own document, as the frame shows it (a full-page shot leaves a lazy frame blank).
    page.goto(live_server.url + page.locator("iframe.notebook-frame").get_attribute("src"))
    assert_typeset(page.locator("math").nth(1))
    ink = page.locator("math").nth(1).evaluate("e => getComputedStyle(e).color")
    assert ink != page.evaluate("getComputedStyle(document.body).backgroundColor")
    if scheme == "dark":
        assert ink == "rgb(228, 231, 235)"  # the frame's dark-mode text colour: light on dark
    screenshot(page, f"{name}-notebook")
