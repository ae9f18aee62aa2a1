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


# In e-mail an image would be fetched from its server when the message is opened
# (a tracking pixel): it becomes a link the reader may follow instead.
_email_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
_email_md.add_render_rule("image", _image_as_link)

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
    "img",
}


def render_markdown(text: str, *, for_email: bool = False) -> str:
    """Safe HTML for ``text``; ``for_email``: no element that loads anything (images become links)."""
    html = (_email_md if for_email else _md).render(text or "")
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS - {"img"} if for_email else _ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
