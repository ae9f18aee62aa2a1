"""Markdown to safe HTML, for curriculum text and anything users write."""

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from .markup.math import MATHML_ATTRIBUTES, MATHML_TAGS, mathml_value_allowed, tex_as_written, use_math


# Raw HTML in the source is escaped, not passed through; nh3 then removes
# anything unsafe that markdown could still produce (e.g. odd link schemes).
# Math ($…$, $$…$$, \(…\), \[…\], \begin{align}…) is taken out before any Markdown rule sees it
# and typeset as MathML (dlcurriculum/markup/math.py); e-mail gets the TeX as written instead.
def _parser(*, math_as_source: bool = False) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    use_math(md, as_source=math_as_source)
    md.add_render_rule("image", _image_as_link)
    return md


def _image_as_link(renderer, tokens, idx, options, env):
    token = tokens[idx]
    alt = renderer.renderInlineAsText(token.children or [], options, env)
    label = f"Image: {alt}" if alt else "Image"
    return f'<a href="{escapeHtml(str(token.attrGet("src") or ""))}">{escapeHtml(label)}</a>'


# An image is a link the reader may follow, never an <img>: a remote one would be fetched from
# its server when the page or the e-mail is opened (the reader's address, a tracking pixel),
# with only the CSP in the way on the site and nothing in a mail client. The site hosts no
# images of its own for Markdown to point at; the notebook sanitiser keeps only data: images.
_md = _parser()
_md_email = _parser(math_as_source=True)

_ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "code": {"title"}, **MATHML_ATTRIBUTES}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag in MATHML_TAGS and not mathml_value_allowed(tag, attribute, value):
        return None
    return value


def render_markdown(text: str, *, email: bool = False) -> str:
    """Safe HTML for ``text``, for pages and e-mail alike: no element that loads anything.

    Math is MathML on pages; in e-mail (``email``), whose clients do not all draw MathML, it is
    the TeX as written, in code.
    """
    return nh3.clean(
        (_md_email if email else _md).render(text or ""),
        tags=_ALLOWED_TAGS | MATHML_TAGS,
        attributes=_ATTRIBUTES,
        allowed_classes={"code": {"math-source"}},
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def markdown_plaintext(text: str) -> str:
    """The words of Markdown ``text`` on one line, as plain (unescaped) text: for attributes, titles,
    subjects and previews. Never HTML: the caller's autoescape escapes it for where it lands.

    Formatting is dropped (``**bold**`` -> ``bold``, links -> their text, images -> their alt text);
    code and anything a plugin parses into its own token (e.g. ``$x^2$`` math) are kept as written,
    with their delimiters, so TeX reads as the writer typed it.
    """
    words: list[str] = []
    for token in _md.parse(text or ""):
        if token.type == "inline":
            words.extend(_inline_text(token.children or []))
        elif token.type in ("fence", "code_block"):
            words.append(token.content)
        elif (tex := tex_as_written(token)) is not None:
            words.append(tex)
        elif token.content and not token.type.endswith(("_open", "_close")):
            # A plugin's own block (math_block: markup "$$"): as written.
            words.append(f"{token.markup}{token.content}{token.markup}" if token.markup else token.content)
        words.append(" ")
    return " ".join("".join(words).split())


def _inline_text(children) -> list[str]:
    out: list[str] = []
    for child in children:
        if (tex := tex_as_written(child)) is not None:
            out.append(tex)
        elif child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.extend(_inline_text(child.children or []))
        elif child.content and not child.type.endswith(("_open", "_close")):
            # A plugin's own inline token (math_inline: markup "$", content "x^2"): as written.
            out.append(f"{child.markup}{child.content}{child.markup}")
    return out
