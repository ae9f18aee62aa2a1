"""Markdown to safe HTML, for curriculum text and anything users write."""

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

# Raw HTML in the source is escaped, not passed through; nh3 then removes
# anything unsafe that markdown could still produce (e.g. odd link schemes).
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def _image_as_link(renderer, tokens, idx, options, env):
    token = tokens[idx]
    alt = renderer.renderInlineAsText(token.children or [], options, env)
    label = f"Image: {alt}" if alt else "Image"
    return f'<a href="{escapeHtml(str(token.attrGet("src") or ""))}">{escapeHtml(label)}</a>'


# An image is a link the reader may follow, never an <img>: a remote one would be fetched from
# its server when the page or the e-mail is opened (the reader's address, a tracking pixel),
# with only the CSP in the way on the site and nothing in a mail client. The site hosts no
# images of its own for Markdown to point at; the notebook sanitiser keeps only data: images.
_md.add_render_rule("image", _image_as_link)

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


def render_markdown(text: str) -> str:
    """Safe HTML for ``text``, for pages and e-mail alike: no element that loads anything."""
    return nh3.clean(
        _md.render(text or ""),
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
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
        elif token.content and not token.type.endswith(("_open", "_close")):
            # A plugin's own block (math_block: markup "$$"): as written.
            words.append(f"{token.markup}{token.content}{token.markup}" if token.markup else token.content)
        words.append(" ")
    return " ".join("".join(words).split())


def _inline_text(children) -> list[str]:
    out: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.extend(_inline_text(child.children or []))
        elif child.content and not child.type.endswith(("_open", "_close")):
            # A plugin's own inline token (math_inline: markup "$", content "x^2"): as written.
            out.append(f"{child.markup}{child.content}{child.markup}")
    return out
