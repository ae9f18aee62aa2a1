"""Would an e-mail's HTML load anything from elsewhere when it is opened? Pure, no Django.

Remote images, style sheets, frames and the like tell the sender who opened the
message, when and from where (tracking pixels). The app's e-mails carry none:
``remote_resources`` is the last check before an HTML part is attached.
"""

import re
from html.parser import HTMLParser

__all__ = ["remote_resources"]

# Cheap first pass: HTML without any of these loads nothing, and the full parse is skipped
# (reminders are rendered tens of thousands of times a run). Text escaped by the templates
# ("&lt;img") never matches a tag here; a match only means "look closer".
_SUSPECT = re.compile(
    r"<\s*(?:img|image|link|script|iframe|frame|object|embed|video|audio|source|track|input|svg|style|base|meta"
    r"[^>]*http-equiv)\b|\b(?:src|srcset|background|poster|data|lowsrc|dynsrc|xlink:href)\s*=|url\s*\(|@import",
    re.IGNORECASE,
)
# Elements whose whole purpose is to load or embed something.
_LOADING_TAGS = frozenset(
    {"script", "iframe", "frame", "object", "embed", "video", "audio", "source", "track", "link", "base", "image"}
)
_URL_ATTRIBUTES = frozenset({"src", "srcset", "background", "poster", "data", "lowsrc", "dynsrc", "xlink:href"})
_CSS_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)|@import", re.IGNORECASE)


def _is_local(url: str) -> bool:
    """Inline (data:), attached (cid:) or within the message (#): nothing is fetched."""
    return url.strip().lower().startswith(("data:", "cid:", "#")) or not url.strip()


def _css_is_remote(css: str) -> bool:
    for match in _CSS_URL.finditer(css):
        if match.group(0).lower() == "@import" or not _is_local(match.group(1) or ""):
            return True
    return False


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag in _LOADING_TAGS:
            self.found.append(f"<{tag}>")
        elif tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        for name, value in values.items():
            if name in _URL_ATTRIBUTES and not _is_local(value):
                self.found.append(f"<{tag} {name}={value[:80]}>")
            elif name == "style" and _css_is_remote(value):
                self.found.append(f"<{tag} style=…url()>")
        self._in_style = tag == "style"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style and _css_is_remote(data):
            self.found.append("<style> with a remote url() or @import")


def remote_resources(html: str) -> list[str]:
    """What in ``html`` would be fetched from elsewhere when the message is opened (empty: nothing)."""
    if not _SUSPECT.search(html):
        return []
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.found
