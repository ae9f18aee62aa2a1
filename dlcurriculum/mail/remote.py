"""Would an e-mail's HTML load anything from elsewhere when it is opened? Pure, no Django.

Remote images, style sheets, frames and the like tell the sender who opened the
message, when and from where (tracking pixels). The app's e-mails carry none:
``remote_resources`` is the last check before an HTML part is attached.
"""

import re
from html.parser import HTMLParser

__all__ = ["remote_resources"]

# Elements whose whole purpose is to load or embed something.
_LOADING_TAGS = frozenset(
    {
        "applet", "audio", "base", "bgsound", "embed", "frame", "iframe", "image", "img", "input", "link",
        "object", "portal", "script", "source", "svg", "track", "video",
    }
)  # fmt: skip
_URL_ATTRIBUTES = frozenset(
    {"src", "srcset", "background", "poster", "data", "lowsrc", "dynsrc", "xlink:href", "manifest", "href"}
)
# Cheap first pass on the lower-cased HTML: without a loading tag or one of these words nothing
# can load, and the full parse is skipped (reminders are built tens of thousands of times a
# run). Text the templates escaped ("&lt;img") opens no tag; a hit only means "look closer".
_TAG_NAME = re.compile(r"<([a-z]+)")
_MARKERS = ("background", "style", "url(", "@import", "http-equiv", "manifest")
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)")
# CSS that can fetch without a plain url(...): escapes (u\72l(...)), image-set("..."), @import.
_CSS_SUSPECT = ("\\", "@import", "image-set", "image(", "src(")


def _is_local(url: str) -> bool:
    """Inline (data:), attached (cid:) or within the message (#): nothing is fetched."""
    return url.strip().lower().startswith(("data:", "cid:", "#")) or not url.strip()


def _css_is_remote(css: str) -> bool:
    css = css.lower()
    if any(marker in css for marker in _CSS_SUSPECT):
        return True
    return any(not _is_local(match.group(1)) for match in _CSS_URL.finditer(css))


class _Finder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        values = {name: value or "" for name, value in attrs}
        if tag in _LOADING_TAGS and not (tag == "img" and _is_local(values.get("src", ""))):
            self.found.append(f"<{tag}>")
        elif tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        for name, value in values.items():
            if name in _URL_ATTRIBUTES and not _is_local(value) and (name != "href" or tag in _LOADING_TAGS):
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
    lowered = html.lower()
    if not any(marker in lowered for marker in _MARKERS) and _LOADING_TAGS.isdisjoint(_TAG_NAME.findall(lowered)):
        return []
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.found
