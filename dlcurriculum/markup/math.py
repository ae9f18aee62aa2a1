"""TeX math in Markdown: parsed as math before any Markdown rule can touch it, typeset on the server.

``use_math(parser)`` teaches a markdown-it parser the delimiters people write in notebooks and
prose: ``$…$``, ``$$…$$`` (on its own lines or inside a paragraph), ``\\(…\\)``, ``\\[…\\]`` and
the amsmath environments (``\\begin{align}…\\end{align}``, ``aligned``, ``gather``, ``cases``, …,
starred or not) written without dollars, as Jupyter's MathJax reads them. What is between the
delimiters is never parsed as Markdown: no emphasis out of ``*`` and ``_``, no escape eats a
backslash.

Each formula is converted to MathML by latex2mathml (Chromium, Firefox and Safari draw MathML
natively: no script anywhere, which the notebook's sandboxed frame could not run anyway). A formula
the converter cannot handle is shown as written, in ``<code class="math-source">`` with a ``title``
saying why; nothing is lost or altered. Bounds are checked before converting: the length of one
formula, the nesting of its groups, macro definitions (whose expansion is unbounded), and the math
of one document in total (``env``, shared by the caller across a notebook's cells).

The MathML allow-list for nh3 is here too (``MATHML_TAGS``, ``MATHML_ATTRIBUTES``,
``mathml_value_allowed``): exactly what latex2mathml writes, minus ``href``, ``style`` and ``class``.
"""

from __future__ import annotations

import re
from html import escape, unescape
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element, tostring

from markdown_it.common.utils import escapeHtml

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

# One formula longer than this is shown as written: converting it would cost too much time and HTML.
MAX_FORMULA_CHARS = 4_000
# Groups ({…}, \left…\right, \begin…\end) nested deeper than this are shown as written.
MAX_NESTING = 40
# A document (a page's text, or a whole notebook) typesets at most this many characters of TeX;
# later formulas are shown as written.
MAX_DOCUMENT_MATH_CHARS = 100_000
# ... and at most this many formulas (each costs a conversion, however short).
MAX_DOCUMENT_FORMULAS = 5_000

# The tokens this module makes, and how each was written (opening and closing delimiter).
_DELIMITERS = {
    "math_inline": ("$", "$"),
    "math_inline_double": ("$$", "$$"),
    "math_block": ("$$", "$$"),
    "math_block_label": ("$$", "$$"),
    "math_paren": ("\\(", "\\)"),
    "math_bracket": ("\\[", "\\]"),
    "math_environment": ("", ""),
}
_DISPLAY = {"math_inline_double", "math_block", "math_block_label", "math_bracket", "math_environment"}

# What latex2mathml 3.81 writes (its converter's elements and attributes), without href (\href),
# style and class (\style, \class), border-color and xmlns (the HTML parser puts <math> in the
# MathML namespace itself).
MATHML_TAGS = frozenset(
    {
        "math",
        "menclose",
        "mfrac",
        "mi",
        "mn",
        "mo",
        "mover",
        "mpadded",
        "mphantom",
        "mroot",
        "mrow",
        "mspace",
        "msqrt",
        "mstyle",
        "msub",
        "msubsup",
        "msup",
        "mtable",
        "mtd",
        "mtext",
        "mtr",
        "munder",
        "munderover",
    }
)
_PRESENTATION = {"mathvariant", "mathcolor", "mathbackground", "mathsize", "displaystyle", "scriptlevel"}
MATHML_ATTRIBUTES: dict[str, set[str]] = {tag: set(_PRESENTATION) for tag in MATHML_TAGS}
for _tag, _names in {
    "math": {"display"},
    "mo": {"accent", "fence", "form", "largeop", "lspace", "rspace", "maxsize", "minsize", "movablelimits"}
    | {"separator", "stretchy"},
    "mover": {"accent"},
    "munder": {"accentunder"},
    "munderover": {"accent", "accentunder"},
    "mfrac": {"linethickness"},
    "mspace": {"width", "height", "depth", "linebreak"},
    "mpadded": {"width", "height", "depth", "lspace", "voffset"},
    "menclose": {"notation"},
    "mtable": {"columnalign", "columnlines", "columnspacing", "rowlines", "rowspacing", "frame"},
    "mtr": {"columnalign"},
    "mtd": {"columnalign", "columnspan", "rowspan"},
}.items():
    MATHML_ATTRIBUTES[_tag] |= _names
del _tag, _names

# Attribute values: lengths, words and colours, nothing that could hold a URL or CSS.
_VALUE = re.compile(r"[#\w.+\- ]{0,100}")


def mathml_value_allowed(tag: str, attribute: str, value: str) -> bool:
    """Whether nh3 may keep this value of an allowed MathML attribute."""
    return tag in MATHML_TAGS and bool(_VALUE.fullmatch(value))


# --- Typesetting --------------------------------------------------------------------------------

# Environments latex2mathml lays out with rows and columns, and the ones it would lay out wrongly
# (rows run together on one line), rewritten for it into one that it does lay out. Only the
# converter's input is rewritten; what is shown when it fails is always the text as written.
_AS_ALIGN = ("aligned", "align", "flalign", "alignat", "alignedat", "xalignat")
_AS_CENTERED = ("gather", "gathered", "multline", "multlined")
_OWN = ("matrix", "pmatrix", "bmatrix", "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix", "array", "cases", "split")
_OWN += ("equation", "displaymath", "math")
_KNOWN_ENVIRONMENTS = frozenset({*_AS_ALIGN, *_AS_CENTERED, *_OWN, "eqnarray", "subarray"})
_ENVIRONMENT = re.compile(r"\\(begin|end)\s*\{\s*([A-Za-z]+)(\*?)\s*\}(\{\d+\})?")
_DROPPED = re.compile(r"\\label\s*\{[^{}]*\}|\\(?:nonumber|notag)(?![A-Za-z])")
_MACRO_DEFINITION = re.compile(
    r"\\(?:newcommand|renewcommand|providecommand|def|edef|gdef|let|newenvironment|renewenvironment"
    r"|DeclareMathOperator)(?![A-Za-z])"
)
_NESTING = re.compile(r"\\[{}]|\\left(?![A-Za-z])|\\right(?![A-Za-z])|\\begin(?![A-Za-z])|\\end(?![A-Za-z])|[{}]")


class NotTypesetError(Exception):
    """Why a formula is shown as written (the message is the ``title`` readers see)."""


_TEXT_ESCAPE = re.compile(r"\\([{}$%&_#])")
_TEXT_COMMAND = re.compile(r"\\(?:text|textrm|textbf|textit|textsf|texttt|textnormal|mbox|hbox)\s*\{")
# latex2mathml ends a \text argument at an escaped brace (\text{\{cat, dog\}}): inside text, escaped
# braces travel as these private-use characters and become braces again in the MathML.
_BRACES = {"\\{": "\ue000", "\\}": "\ue001"}
_BRACES_BACK = {"\ue000": "{", "\ue001": "}"}


def _protect_text_braces(tex: str) -> str:
    if "\\{" not in tex and "\\}" not in tex:
        return tex
    out, last = [], 0
    for match in _TEXT_COMMAND.finditer(tex):
        if match.start() < last:
            continue
        depth, pos = 1, match.end()
        while pos < len(tex) and depth:
            if tex.startswith(("\\{", "\\}"), pos):
                pos += 2
                continue
            depth += {"{": 1, "}": -1}.get(tex[pos], 0)
            pos += 1
        body = tex[match.end() : pos]
        for escaped, placeholder in _BRACES.items():
            body = body.replace(escaped, placeholder)
        out.append(tex[last : match.end()] + body)
        last = pos
    out.append(tex[last:])
    return "".join(out)


_BREAK_OR_GROUP = re.compile(r"\\\\|\\[{}]|\\(?:begin|end|left|right)(?![A-Za-z])|[{}]")


def _breaks_lines(tex: str) -> bool:
    """Whether ``tex`` has a ``\\\\`` outside every group and environment: lines of a display formula,
    which MathML Core does not break; they become the rows of one centred column (as gather does)."""
    depth = 0
    for match in _BREAK_OR_GROUP.finditer(tex):
        token = match.group()
        if token == "\\\\" and depth == 0:  # noqa: S105 - a TeX line break, not a password
            return True
        if token in ("{", "\\left", "\\begin"):
            depth += 1
        elif token in ("}", "\\right", "\\end"):
            depth -= 1
    return False


def _group_scripted_environments(tex: str) -> str:
    """``\\begin{bmatrix}…\\end{bmatrix}^T`` as ``{\\begin{bmatrix}…\\end{bmatrix}}^T``: latex2mathml
    gives a script after an environment no base."""
    if "\\end" not in tex:
        return tex
    opened: list[int] = []
    spans: list[tuple[int, int]] = []
    for match in _ENVIRONMENT.finditer(tex):
        if match.group(1) == "begin":
            opened.append(match.start())
        elif opened:
            start = opened.pop()
            if tex[match.end() :].lstrip()[:1] in ("^", "_"):
                spans.append((start, match.end()))
    for start, end in sorted(spans, reverse=True):
        tex = f"{tex[:start]}{{{tex[start:end]}}}{tex[end:]}"
    return tex


def _converter_input(tex: str, *, display: bool = False) -> str:
    if display and _breaks_lines(tex) and "&" not in tex:
        tex = f"\\begin{{gathered}}{tex}\\end{{gathered}}"
    tex = _group_scripted_environments(tex)

    def environment(match: re.Match) -> str:
        side, name = match.group(1), match.group(2)
        if name in _AS_ALIGN:
            return f"\\{side}{{align*}}"
        if name in _AS_CENTERED:
            return "\\begin{array}{c}" if side == "begin" else "\\end{array}"
        if name == "eqnarray":
            return "\\begin{array}{rcl}" if side == "begin" else "\\end{array}"
        if name in ("equation", "displaymath", "math"):
            return "{" if side == "begin" else "}"
        return match.group()

    return _protect_text_braces(_DROPPED.sub("", _ENVIRONMENT.sub(environment, tex)))


def _check_bounds(tex: str) -> None:
    if len(tex) > MAX_FORMULA_CHARS:
        raise NotTypesetError(f"longer than {MAX_FORMULA_CHARS:,} characters, too long to typeset")
    if _MACRO_DEFINITION.search(tex):
        raise NotTypesetError("it defines a macro, which is not typeset here")
    for match in _ENVIRONMENT.finditer(tex):
        if match.group(2) not in _KNOWN_ENVIRONMENTS:
            raise NotTypesetError(f"the environment {match.group(2)} is not one the typesetter knows")
    _check_nesting(tex)


def _check_nesting(tex: str) -> None:
    depth = 0
    for match in _NESTING.finditer(tex):
        token = match.group()
        if token in ("{", "\\left", "\\begin"):
            depth += 1
            if depth > MAX_NESTING:
                raise NotTypesetError(f"groups nested more than {MAX_NESTING} deep")
        elif token in ("}", "\\right", "\\end"):
            depth -= 1
            if depth < 0:
                raise NotTypesetError("a closing brace, \\right or \\end has no opening one")
    if depth:
        raise NotTypesetError("an opening brace, \\left or \\begin is not closed")


def _mathml(tex: str, *, display: bool) -> str:
    """MathML for ``tex``, escaped by ElementTree; raises NotTypesetError."""
    from latex2mathml.converter import convert_to_element

    _check_bounds(tex)
    try:
        math = convert_to_element(_converter_input(tex, display=display), display="block" if display else "inline")
    except RecursionError:
        raise NotTypesetError("too deeply nested to typeset") from None
    except Exception as error:  # noqa: BLE001 - the converter raises many kinds (its own, IndexError, StopIteration...)
        raise NotTypesetError(f"the typesetter could not read it ({type(error).__name__})") from None
    _clean(math)
    # latex2mathml keeps characters as entity text (&#x1D430;) and unescapes its whole output, which
    # would turn \text{<b>} into a tag: here the entities become characters and ElementTree escapes.
    return tostring(math, encoding="unicode", short_empty_elements=False)


# Elements that take a fixed number of arguments (latex2mathml leaves one out of \frac{1}, silently).
_ARITY = {"mfrac": 2, "msub": 2, "msup": 2, "msubsup": 3, "mroot": 2, "mover": 2, "munder": 2, "munderover": 3}
# Token elements hold text only: in HTML, an element inside one (latex2mathml's <mo><mrow>… for
# \mathop{\mathrm{argmin}}) is parsed as HTML and dropped by the sanitiser with its text.
_TOKENS = ("mi", "mo", "mn", "mtext")


# Delimiters latex2mathml leaves as their command after \big, \Big, ... (\Big\{).
_SIZED_DELIMITERS = {"\\{": "{", "\\}": "}", "\\|": "\u2016"}


def _clean(element: Element) -> None:
    for node in element.iter():
        if node.tag in _TOKENS and len(node):
            node.text = "".join(unescape(text) for text in node.itertext())
            for child in list(node):
                node.remove(child)
        if node.tag in _ARITY and len(node) != _ARITY[node.tag]:
            raise NotTypesetError(f"an argument of {node.tag} is missing")
        if node.text:
            node.text = _token_text(str(node.tag), unescape(node.text))
        if node.tail:
            node.tail = unescape(node.tail)
        for name in [name for name in node.attrib if name not in MATHML_ATTRIBUTES.get(str(node.tag), ())]:
            del node.attrib[name]


def _token_text(tag: str, text: str) -> str:
    if tag == "mtext":
        return _TEXT_ESCAPE.sub(r"\1", text).translate(str.maketrans(_BRACES_BACK))
    if tag == "mo" and text in _SIZED_DELIMITERS:
        return _SIZED_DELIMITERS[text]
    if tag in ("mi", "mo") and len(text) > 1 and text.startswith("\\"):
        raise NotTypesetError(f"{text} is not a command the typesetter knows")
    if tag == "mi" and text in ("{", "}"):
        # A brace of the source taken as a letter: latex2mathml ends \text{a {b} c} at the first }.
        raise NotTypesetError("the typesetter misreads braces inside this text")
    return text


def typeset(
    tex: str, *, display: bool, written: str | None = None, env: dict | None = None, block: bool | None = None
) -> str:
    """HTML for one formula: MathML, or ``written`` (the formula with its delimiters) as code when
    the formula is not typeset (in a ``<pre>`` when ``block``, by default when ``display``).
    ``env`` counts the document's math against MAX_DOCUMENT_MATH_CHARS and MAX_DOCUMENT_FORMULAS."""
    block = display if block is None else block
    written = tex if written is None else written
    env = {} if env is None else env
    used, count = env.get("math_chars", 0), env.get("math_formulas", 0)
    env["math_chars"], env["math_formulas"] = used + len(tex), count + 1
    try:
        over = used + len(tex) > MAX_DOCUMENT_MATH_CHARS or count >= MAX_DOCUMENT_FORMULAS
        if over and len(tex) <= MAX_FORMULA_CHARS:
            raise NotTypesetError(
                f"this page has more math than is typeset ({MAX_DOCUMENT_MATH_CHARS:,} characters "
                f"or {MAX_DOCUMENT_FORMULAS:,} formulas)"
            )
        return _mathml(tex, display=display)
    except NotTypesetError as reason:
        return source_html(written, f"Shown as written: {reason}", block=block)


def source_html(written: str, title: str, *, block: bool) -> str:
    """The formula as written, in code (a ``<pre>`` of its own when ``block``)."""
    code = f'<code class="math-source" title="{escape(title)}">{escapeHtml(written)}</code>'
    return f"<pre>{code}</pre>" if block else code


def tex_as_written(token: Token) -> str | None:
    """The source of a math token as it was written, delimiters included; None for other tokens."""
    if token.type not in _DELIMITERS:
        return None
    opening, closing = _DELIMITERS[token.type]
    label = f" ({token.info})" if token.type == "math_block_label" and token.info else ""
    return f"{opening}{token.content}{closing}{label}"


# --- Parsing ------------------------------------------------------------------------------------


def use_math(md: MarkdownIt, *, as_source: bool = False) -> MarkdownIt:
    """Teach ``md`` the math delimiters; with ``as_source``, formulas render as their TeX in code
    (for e-mail, whose clients do not all draw MathML)."""
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    # allow_digits=False: "between $5 and $10" stays text (a digit right after a closing $ is not math).
    dollarmath_plugin(md, allow_space=True, allow_digits=False, allow_blank_lines=True, double_inline=True)
    md.block.ruler.before(
        "math_block",
        "math_environment",
        _environment_block,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.inline.ruler.before("math_inline", "math_paren", _bracket_rule("\\(", "\\)", "math_paren"))
    brackets = _bracket_rule("\\[", "\\]", "math_bracket", at_line_start=True)
    md.inline.ruler.before("math_inline", "math_bracket", brackets)

    # The plugin's block rule finds no closing $$ again and again on a text of many lines that
    # open one: it is only tried where a closing line still follows (linear, not quadratic).
    math_block = md.block.ruler.__rules__[md.block.ruler.__find__("math_block")]
    math_block.fn = _guarded_dollar_block(math_block.fn)
    md.block.ruler.__compiled__ = None
    math_inline = md.inline.ruler.__rules__[md.inline.ruler.__find__("math_inline")]
    math_inline.fn = _outside_code(math_inline.fn)
    md.inline.ruler.__compiled__ = None
    table = md.block.ruler.__rules__[md.block.ruler.__find__("table")]
    table.fn = _math_safe_table(table.fn)
    md.block.ruler.__compiled__ = None

    def render(renderer, tokens, idx, options, env) -> str:
        token = tokens[idx]
        display = token.type in _DISPLAY
        written = tex_as_written(token) or token.content
        tex = token.content.strip()
        if as_source:
            html = source_html(written, "TeX as written", block=token.block)
        else:
            html = typeset(tex, display=display, written=written, env=env, block=token.block)
        return f"{html}\n" if token.block else html

    for name in _DELIMITERS:
        md.add_render_rule(name, render)
    return md


def _outside_code(rule):
    """The plugin's inline rule, except that a $ never pairs with one inside a code span: as in
    Jupyter, `x = '$a$'` is code and "$10, `'$'`" no formula (TeX has no use for backticks)."""

    def rule_outside_code(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not rule(state, True):
            return False
        end, state.pos = state.pos, start
        if "`" in state.src[start:end]:
            return False
        return rule(state, silent)

    return rule_outside_code


# Stands for a | inside a formula while a table row is split into cells (a private-use character).
_PIPE_IN_MATH = "\ue000"
_DELIMITER_ROW = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")


def _math_safe_table(rule):
    """The table rule, splitting a row only at the pipes outside its formulas, as Jupyter does (it takes
    the math out before the Markdown parse): ``| $\\|x\\|_2$ | $|y|$ |`` is two cells holding a norm
    and an absolute value. markdown-it splits at every ``|`` and turns ``\\|`` into ``|`` first (GFM's
    table escape), which would cut a formula in two or change a norm into an absolute value."""

    def table(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        src = state.src
        # Tried on every line of a paragraph: only a header followed by a delimiter row costs more.
        if start_line + 1 >= end_line:
            return rule(state, start_line, end_line, silent)
        if not _DELIMITER_ROW.fullmatch(src[state.bMarks[start_line + 1] : state.eMarks[start_line + 1]]):
            return rule(state, start_line, end_line, silent)
        masked = _masked_source(state)
        if masked is None:
            return rule(state, start_line, end_line, silent)
        first_new_token = len(state.tokens)
        state.src = masked  # of the same length: the line marks still hold
        try:
            return rule(state, start_line, end_line, silent)
        finally:
            state.src = src
            for token in state.tokens[first_new_token:]:
                token.content = token.content.replace(_PIPE_IN_MATH, "|")

    return table


def _masked_source(state: StateBlock) -> str | None:
    """The source with its formulas' pipes masked, worked out once per document (``None``: nothing to mask)."""
    cache = state.env.setdefault("_math_masked_source", {})
    if state.src not in cache:
        masked = None if _PIPE_IN_MATH in state.src else _pipes_in_math_masked(state.src)
        cache[state.src] = None if masked == state.src else masked
    return cache[state.src]


def _pipes_in_math_masked(text: str) -> str:
    """``text`` with each ``|`` inside a formula replaced by ``_PIPE_IN_MATH``.

    A small scanner rather than the inline rules themselves, which run only after the table rule has
    cut the row: it finds the same formulas on a row (code spans skipped, escapes honoured, ``$``, ``$$``
    and ``\\(…\\)`` paired as the rules above pair them, no digit right after a closing ``$``)."""
    chars = list(text)
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char == "\n":
            position += 1
        elif char == "`":
            run = len(text[position:]) - len(text[position:].lstrip("`"))
            closing = _unescaped_find(text, "`" * run, position + run, escapes=False)
            position = closing + run if closing != -1 else position + run
        elif text.startswith("\\(", position):
            closing = _unescaped_find(text, "\\)", position + 2)
            if closing == -1:
                position += 2
                continue
            _mask(chars, position + 2, closing)
            position = closing + 2
        elif char == "\\":
            position += 2  # an escaped character (\\$, \\|) opens nothing
        elif char == "$":
            opening = "$$" if text.startswith("$$", position) else "$"
            if opening == "$" and position and text[position - 1].isdigit():
                position += 1
                continue
            closing = _unescaped_find(text, opening, position + len(opening))
            after = closing + len(opening)
            if closing == -1 or (opening == "$" and after < length and text[after].isdigit()):
                position += len(opening)
                continue
            _mask(chars, position + len(opening), closing)
            position = after
        else:
            position += 1
    return "".join(chars)


def _unescaped_find(text: str, delimiter: str, start: int, *, escapes: bool = True) -> int:
    """The first ``delimiter`` from ``start`` on the same line (a table row) that no backslash escapes
    (with ``escapes``), -1 if none."""
    line_end = text.find("\n", start)
    line_end = len(text) if line_end == -1 else line_end
    found = text.find(delimiter, start, line_end)
    while found != -1 and escapes and _escaped(text, found):
        found = text.find(delimiter, found + 1, line_end)
    return found


def _mask(chars: list[str], start: int, end: int) -> None:
    for index in range(start, end):
        if chars[index] == "|":
            chars[index] = _PIPE_IN_MATH


def _guarded_dollar_block(rule):
    def guarded(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        start = state.bMarks[start_line] + state.tShift[start_line]
        if not state.src.startswith("$$", start):
            return False
        line_text = state.src[start : state.eMarks[start_line]].strip()
        if "$$" in line_text[2:]:
            return rule(state, start_line, end_line, silent)  # closed (or labelled) on its own line
        last = _last_line_ending(state, "$$", end_line)
        if last <= start_line:
            return False
        return rule(state, start_line, end_line, silent)

    return guarded


def _last_line_ending(state: StateBlock, closing: str, end_line: int) -> int:
    """The last line before ``end_line`` whose text ends with ``closing`` (-1 if none), cached per block state."""
    cache = state.env.setdefault("_math_last_line", {})
    key = (state.src, closing, end_line)
    if key not in cache:
        last = -1
        for line in range(end_line - 1, -1, -1):
            if state.src[state.bMarks[line] : state.eMarks[line]].rstrip().endswith(closing):
                last = line
                break
        cache[key] = last
    return cache[key]


_OPEN_ENVIRONMENT = re.compile(r"\\begin\{(" + "|".join(sorted(_KNOWN_ENVIRONMENTS - {"math"})) + r")(\*?)\}")


def _environment_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """An amsmath environment (``\\begin{align}`` … ``\\end{align}``) on its own lines, as a display formula.

    As mdit-py-plugins' amsmath rule, with the inner environments Jupyter's MathJax also takes at the
    top level (aligned, gathered, cases, matrices, ...).
    """
    if state.is_code_block(start_line):
        return False
    first_start = state.bMarks[start_line] + state.tShift[start_line]
    first_end = state.eMarks[start_line]
    match = _OPEN_ENVIRONMENT.match(state.src, first_start, first_end)
    if not match:
        return False
    closing = f"\\end{{{match.group(1)}{match.group(2)}}}"
    if _last_line_ending(state, closing, end_line) < start_line:
        return False
    line = start_line
    while True:
        if line >= end_line:
            return False
        line_start = state.bMarks[line] + state.tShift[line]
        if line_start < first_end and state.sCount[line] < state.blkIndent:
            return False
        if state.src[line_start : state.eMarks[line]].rstrip().endswith(closing):
            break
        line += 1
    state.line = line + 1
    if not silent:
        token = state.push("math_environment", "math", 0)
        token.block = True
        token.content = state.getLines(start_line, line + 1, state.sCount[start_line], False)
        token.map = [start_line, line]
    return True


def _bracket_rule(opening: str, closing: str, name: str, *, at_line_start: bool = False):
    """Inline math between ``opening`` and ``closing``; with ``at_line_start`` only where the opening
    begins a line: ``\\[`` is display math there, and elsewhere the Markdown escape of a bracket
    people write in prose (``log\\[(1 + e^z)\\]``, ``see \\[1\\]``)."""

    def rule(state: StateInline, silent: bool) -> bool:
        if not state.src.startswith(opening, state.pos) or _escaped(state.src, state.pos):
            return False
        if at_line_start and state.src[state.src.rfind("\n", 0, state.pos) + 1 : state.pos].strip():
            return False
        # The last closing delimiter of this inline text, found once (a text of many openings and
        # no closing one would otherwise be searched to its end from each of them).
        cache = state.env.setdefault("_math_last_close", {})
        key = (state.src, closing)
        if key not in cache:
            cache[key] = state.src.rfind(closing)
        start = state.pos + len(opening)
        if cache[key] < start:
            return False
        end = state.src.find(closing, start)
        while end != -1 and _escaped(state.src, end):
            end = state.src.find(closing, end + 1)
        if end == -1 or not state.src[start:end].strip():
            return False
        if not silent:
            token = state.push(name, "math", 0)
            token.content = state.src[start:end]
            token.markup = opening
        state.pos = end + len(closing)
        return True

    return rule


def _escaped(src: str, pos: int) -> bool:
    """Whether the backslash at ``pos`` is itself escaped (an odd run of backslashes before it)."""
    run = 0
    while pos - run - 1 >= 0 and src[pos - run - 1] == "\\":
        run += 1
    return run % 2 == 1
