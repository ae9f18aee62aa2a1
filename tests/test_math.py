"""Math in Markdown reads as its author wrote it (issue #26): taken out of the Markdown parse first,
typeset as MathML on the server, or shown as written when it cannot be; never rewritten by Markdown.

The examples are the damage seen on real notebooks (d2l's linear regression and probability chapters),
retyped here as short excerpts.
"""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcurriculum.markdown import markdown_plaintext, render_markdown
from dlcurriculum.markup import math
from dlcurriculum.markup.math import MATHML_ATTRIBUTES, MATHML_TAGS, typeset

# (source, what its MathML must show): each of these was damaged by the Markdown step before.
DAMAGED = [
    # ``*`` became emphasis: "$\mathbf{w}^, *b*^$".
    (r"The solution $\mathbf{w}^*, b^*$ is unique.", ["<mi>\U0001d430</mi><mo>*</mo>", "<mi>b</mi><mo>*</mo>"]),
    # ``}_`` ... ``_{`` became emphasis.
    (
        r"Update $\frac{\eta}{|\mathcal{B}_t|} \sum_{i \in \mathcal{B}_t} \partial_{\mathbf{w}} l^{(i)}$ each step.",
        ["<mi>\u212c</mi><mi>t</mi>", "<mo>∂</mo>", "<mo>∑</mo>"],  # script B
    ),
    # ``\|`` lost its backslash (a Markdown escape).
    (r"Minimise $\|\mathbf{y}-\mathbf{X}\mathbf{w}\|^2$.", ["‖</mo>", "‖</mo><mn>2</mn>"]),
    # ``\{`` became ``{``.
    (r"Labels in $\{0, 1\}$.", ['<mo stretchy="false">{</mo><mn>0</mn>', '<mo stretchy="false">}</mo>']),
    # ``\\`` inside aligned disappeared (rows ran together).
    (
        "$$\n\\begin{aligned}\nP(A, B) &= P(B \\mid A) P(A) \\\\\n&= P(A \\mid B) P(B)\n\\end{aligned}\n$$",
        ["<mtable", "</mtr><mtr>", '<mtd columnalign="right">'],
    ),
]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.seen: list[tuple[str, tuple[str, ...]]] = []
        self.attributes: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, tuple(sorted(name for name, _ in attrs))))
        self.attributes.extend((tag, name, value) for name, value in attrs)


def _math_elements(html: str) -> list[str]:
    return re.findall(r"<math\b.*?</math>", html, flags=re.S)


def _sources(html: str) -> list[str]:
    """The formulas shown as written (the code spans of the fallback), as the reader sees them."""
    return [unescape(code) for code in re.findall(r'<code class="math-source"[^>]*>(.*?)</code>', html, flags=re.S)]


@pytest.mark.parametrize(("source", "shows"), DAMAGED)
def test_damaged_examples_are_typeset_as_written(source, shows):
    html = render_markdown(source)
    assert len(_math_elements(html)) == 1, html
    assert _sources(html) == []
    assert "<em>" not in html
    for part in shows:
        assert part in html, (part, html)


@pytest.mark.parametrize(("source", "shows"), DAMAGED)
def test_damaged_examples_read_as_written_in_plain_text_and_email(source, shows):
    assert markdown_plaintext(source) == " ".join(source.split())
    email = render_markdown(source, email=True)
    [written] = _sources(email)
    assert written in source
    assert written.strip("$").strip() in source
    assert "<math" not in email
    assert "<em>" not in email


def test_every_delimiter_is_math_and_markdown_around_it_still_works():
    html = render_markdown(
        "A *word*, $a_1$, $$b_1$$ inline, \\(c_1\\),\n\\[d_1\\]\nand:\n\n"
        "$$\ne_1\n$$\n\n\\begin{align*}\nf_1 &= g_1\n\\end{align*}\n\n\\begin{equation}\nh_1\n\\end{equation}"
    )
    assert "<em>word</em>" in html
    maths = _math_elements(html)
    # $$ inside a paragraph is display math, as in Jupyter; f and g are one aligned formula.
    displays = [m.split(">", 1)[0].removeprefix('<math display="') for m in maths]
    assert displays == ['inline"', 'block"', 'inline"', 'block"', 'block"', 'block"', 'block"'], html
    for letter in "abcdefgh":
        assert f"<mi>{letter}</mi><mn>1</mn>" in html, letter


def test_escaped_dollars_and_dollars_in_code_are_not_math():
    html = render_markdown(r"It costs \$5, or between $5 and $10; the code `x = '$a$'` stays code.")
    assert _math_elements(html) == []
    assert "It costs $5, or between $5 and $10" in html
    assert "<code>x = '$a$'</code>" in html


def test_an_escaped_bracket_in_prose_is_a_bracket():
    # \\[ is display math where it begins a line; inside a sentence it is Markdown's escaped bracket.
    html = render_markdown(r"So softplus(_z_) = log\[1 + exp(_z_)\], see \[1\].")
    assert _math_elements(html) == []
    assert "log[1 + exp(<em>z</em>)], see [1]." in html


def test_a_script_after_an_environment_has_its_base():
    html = render_markdown("$A^T = \\begin{bmatrix} 1 & 2 \\end{bmatrix}^T$")
    assert _sources(html) == []
    assert "<msup><mrow><mo>[</mo><mtable>" in html


def test_math_in_a_fenced_block_stays_code():
    html = render_markdown("```latex\n$x^2$ \\begin{align}a\\end{align}\n```")
    assert _math_elements(html) == []
    assert "$x^2$ \\begin{align}a\\end{align}" in html


@pytest.mark.parametrize(
    ("tex", "reason"),
    [
        (r"\foo{x}", r"\foo is not a command the typesetter knows"),
        (r"x^{2", "is not closed"),
        (r"x}", "has no opening one"),
        (r"\left( x", "is not closed"),
        (r"\frac{1}", "an argument of mfrac is missing"),
        (r"\sqrt[3]", "could not read it"),
        (r"\begin{tikzpicture} x \end{tikzpicture}", "the environment tikzpicture is not one"),
        (r"\newcommand{\R}{\mathbb{R}} \R", "defines a macro"),
        ("{" * 50 + "x" + "}" * 50, "nested more than 40 deep"),
        (r"\frac" * 700 + "x", "too deeply nested"),
        ("x+" * 2_001, "longer than 4,000 characters"),
    ],
)
def test_a_formula_that_is_not_typeset_is_shown_exactly_as_written(tex, reason):
    source = f"Before ${tex}$ after."
    html = render_markdown(source)
    assert _math_elements(html) == []
    assert _sources(html) == [f"${tex}$"]
    [title] = re.findall(r'<code class="math-source" title="([^"]*)"', html)
    assert unescape(title).startswith("Shown as written: ")
    assert reason in unescape(title)
    assert markdown_plaintext(source) == source


def test_a_display_formula_that_is_not_typeset_keeps_its_lines():
    source = "$$\n\\begin{aligned}\na &= \\undefined \\\\\nb &= c\n\\end{aligned}\n$$"
    html = render_markdown(source)
    assert _sources(html) == [source]
    assert html.startswith('<pre><code class="math-source"')


def test_a_document_typesets_a_bounded_amount_of_math_then_shows_the_rest_as_written():
    source = " ".join(f"$x_{{{i}}}$" for i in range(math.MAX_DOCUMENT_FORMULAS + 3))
    html = render_markdown(source)
    assert len(_math_elements(html)) == math.MAX_DOCUMENT_FORMULAS
    assert _sources(html) == [f"$x_{{{i}}}$" for i in range(math.MAX_DOCUMENT_FORMULAS, math.MAX_DOCUMENT_FORMULAS + 3)]
    long = "y+" * 1_900
    html = render_markdown(" ".join(f"${long}$" for _ in range(30)))
    typeset_count = len(_math_elements(html))
    assert typeset_count == math.MAX_DOCUMENT_MATH_CHARS // len(long)
    assert len(_sources(html)) == 30 - typeset_count


def test_the_budget_is_per_document():
    env: dict = {}
    for _ in range(3):
        assert typeset("x", display=False, env=env).startswith("<math")
    assert env == {"math_chars": 3, "math_formulas": 3}
    assert render_markdown("$x$").startswith("<p><math")  # each call of the renderer is a new document


HOSTILE = [
    r"$<script>alert(1)</script>$",
    r"$\text{<script>alert(1)</script>}$",
    r"$\text{<img src=x onerror=alert(1)>}$",
    r"$\href{javascript:alert(1)}{click}$",
    r"$\style{background:url(http://t.example/p.gif)}{x}$",
    r"$\class{x}{y}$",
    r"$\color{url(http://t.example/)}{x}$",
    r"$\mathrm{</math><script>alert(1)</script>}$",
    r"$x$</math><img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("source", HOSTILE)
@pytest.mark.parametrize("email", [False, True])
def test_hostile_math_is_inert(source, email):
    parser = _Elements()
    parser.feed(render_markdown(source, email=email))
    assert parser.seen
    for tag, attributes in parser.seen:
        assert tag not in {"script", "img", "style", "a"}, tag
        assert not set(attributes) & {"href", "style", "src", "onerror"}, (tag, attributes)
        assert "class" not in attributes or tag == "code"
    assert all(value != "x" for _, _, value in parser.attributes if _ == "class")


def test_text_in_math_is_text():
    html = render_markdown(r"$\text{<b>bold?</b> & more}$")
    assert "<mtext>&lt;b&gt;bold?&lt;/b&gt;&nbsp;&amp;&nbsp;more</mtext>" in html


# Formulas that make latex2mathml write each of its elements.
EVERY_ELEMENT = (
    r"\hat{\mathbf{w}} = \operatorname*{argmin}_{w} \frac{1}{n}\sum_{i=1}^{n} \sqrt{x_i^2} \sqrt[3]{y}"
    r" \underbrace{a+b}_{c} \overset{!}{=} \xrightarrow{f} \boxed{z} \phantom{q} \, \displaystyle \int_0^1"
    r" \left( \begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix} \right) \begin{cases} 1 & x > 0 \\ 0 \end{cases}"
    r" \mathbb{E}[X] \color{red}{r} \binom{n}{k} \text{ text } \rule{1em}{1pt} \mathop{\mathrm{lim}} \lVert v \rVert"
)


def test_mathml_survives_sanitising_unchanged():
    raw = typeset(EVERY_ELEMENT, display=True)
    assert raw.startswith("<math")
    html = render_markdown(f"$$\n{EVERY_ELEMENT}\n$$")
    assert unescape(html.strip()) == unescape(raw)  # nh3 writes the no-break space of \text{ } as &nbsp;
    parser = _Elements()
    parser.feed(raw)
    tags = {tag for tag, _ in parser.seen}
    assert tags <= MATHML_TAGS
    assert len(tags) >= 20, sorted(MATHML_TAGS - tags)
    for tag, attributes in parser.seen:
        assert set(attributes) <= MATHML_ATTRIBUTES[tag], (tag, attributes)


def test_mathml_survives_the_notebook_sanitiser_unchanged():
    from capstones.notebooks.sanitise import sanitize_html

    raw = typeset(EVERY_ELEMENT, display=True)
    assert unescape(sanitize_html(raw)) == unescape(raw)
    assert unescape(sanitize_html(raw, explain_images=True)) == unescape(raw)


def test_raw_mathml_is_held_to_the_allow_list():
    from capstones.notebooks.sanitise import sanitize_html

    written = (
        '<math><mi href="javascript:alert(1)" style="color:red" mathcolor="url(x)" mathvariant="bold">x</mi>'
        "<mtext><style>@import url(x)</style><img src=x onerror=alert(1)></mtext>"
        '<maction actiontype="toggle"><mi>a</mi></maction><semantics><annotation-xml>q</annotation-xml>'
        "</semantics></math>"
    )
    html = sanitize_html(written)
    for gone in ("href", "style", "url(", "onerror", "maction", "annotation"):
        assert gone not in html, gone
    assert '<mi mathvariant="bold">x</mi>' in html


_SAFE = settings(max_examples=80, deadline=None)
_tex_pieces = st.sampled_from(
    [
        "$",
        "$$",
        "\\(",
        "\\)",
        "\\[",
        "\\]",
        "\\begin{align}",
        "\\end{align}",
        "{",
        "}",
        "\\",
        "*",
        "_",
        "x",
        "^",
        "\n",
        " ",
        "<script>",
        "&",
        "\\frac",
        "\\text{",
        "`",
        "\\\\",
        "\\|",
        "\\{",
    ]
)


@_SAFE
@given(st.lists(_tex_pieces, max_size=40).map("".join))
def test_any_text_renders_safely_and_shows_untypeset_math_as_written(text):
    html = render_markdown(text)
    assert "<script" not in html.lower()
    for written in _sources(html):
        # What is shown as written is a piece of the text as written (Markdown only normalises line ends).
        assert written.strip() in text.replace("\r\n", "\n") or written.strip() in " ".join(text.split())
    assert "<script" not in markdown_plaintext(text) or "<script>" in text


def test_what_latex2mathml_misreads_is_mended_or_shown_as_written():
    # \Big\{ left as the command; \{ inside \text ended the text; lines of a display formula ran together.
    html = render_markdown(r"$\Big\{ r \Big\}$ and $\textrm{\{cat, dog\}}$ and $$a = 1, \\ b = 2.$$")
    assert _sources(html) == []
    assert '<mo minsize="1.623em" maxsize="1.623em">{</mo>' in html
    assert "<mtext>{cat,\xa0dog}</mtext>" in unescape(html)  # \\text keeps its spaces (no-break)
    assert "</mtd></mtr><mtr><mtd" in html
    # \mathop{\mathrm{argmin}}: latex2mathml nests elements in <mo>, which HTML would drop with the text.
    assert "<mo>argmin</mo>" in render_markdown(r"$\mathop{\mathrm{argmin}}_w$")
    assert _sources(render_markdown(r"$\text{a {b} c}$")) == [r"$\text{a {b} c}$"]


@pytest.mark.parametrize(
    "text",
    ["$$a\n" * 3_000, "\\(a " * 5_000, "\\[a\n" * 3_000, "\\begin{align}\n" * 3_000, "$a \\$ " * 5_000],
)
def test_many_unclosed_or_repeated_delimiters_stay_bounded_and_lose_no_text(text):
    # Each opening without its closing is tried once against a cached last closing (not rescanned);
    # an unclosed \\( or \\[ is Markdown's escaped parenthesis or bracket.
    html = render_markdown(text)
    assert html.count("<math") <= math.MAX_DOCUMENT_FORMULAS
    if "<math" not in html:
        as_markdown = text.replace("\\$", "$").replace("\\(", "(").replace("\\[", "[")
        assert unescape(re.sub(r"<[^>]+>", "", html)).split() == as_markdown.split()
