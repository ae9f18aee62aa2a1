"""How many human words a markdown cell holds.

URLs, HTML tags, images, badges and ``data:`` URIs are not prose: a Colab badge
would otherwise count as 35 words and one inline image as a thousand. Every
pattern is free of nested repetition, so the cost stays linear on hostile input.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_DATA_URI = re.compile(r"data:[\w.+-]{1,100}/[\w.+-]{1,100}(?:;[\w=.+-]{1,100})*,[^\s)\"'>]*", re.I)
_URL_PART = r"\([^()\[\]\s]{0,2000}(?:\s+\"[^\"\n]{0,300}\")?\)"
# Images (badges are images inside links): nothing of them is prose, not even the alt text.
_IMAGE = re.compile(r"!\[[^\[\]\n]{0,500}\](?:" + _URL_PART + r"|\[[^\[\]\n]{0,500}\])")
_HTML_IMAGE_LIKE = re.compile(r"<(?:img|svg|video|audio|iframe|object|embed|source|picture)\b[^<>]*>", re.I)
_HIDDEN_START = re.compile(r"<!--|<(script|style)\b[^<>]*>", re.I)
_HTML_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
_LINK = re.compile(r"\[([^\[\]\n]{0,500})\]" + _URL_PART)
_LINK_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]\n]{1,500}\]:[ \t]*\S+.*$", re.M)
_URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+|mailto:\S+", re.I)
_ENTITY = re.compile(r"&#?\w{1,10};")
# Scripts written without spaces between words: each character stands for about one word.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*|\d+(?:[.,]\d+)*")


def human_text(markdown: str) -> str:
    text = _without_hidden(_without_fenced_code(markdown))
    text = _DATA_URI.sub("", text)
    text = _IMAGE.sub(" ", text)
    text = _HTML_IMAGE_LIKE.sub(" ", text)
    text = _HTML_TAG.sub(" ", text)
    text = _LINK_DEFINITION.sub(" ", text)
    text = _LINK.sub(r" \1 ", text)
    text = _URL.sub(" ", text)
    return _ENTITY.sub(" ", text)


def count_words(markdown: str) -> int:
    text = human_text(markdown)
    cjk = len(_CJK.findall(text))
    if cjk:
        text = _CJK.sub(" ", text)
    return cjk + len(_WORD.findall(text))


def _without_fenced_code(markdown: str) -> str:
    kept, fence = [], ""
    for line in markdown.split("\n"):
        match = _FENCE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
        elif match:
            fence = match.group(1)
        else:
            kept.append(line)
    return "\n".join(kept)


def _without_hidden(text: str) -> str:
    """Drop comments, scripts and styles; an unclosed one hides the rest, as in a browser."""
    kept, position = [], 0
    lowered = text.lower()
    while True:
        match = _HIDDEN_START.search(text, position)
        if match is None:
            kept.append(text[position:])
            break
        kept.append(text[position : match.start()])
        close = "-->" if match.group(0) == "<!--" else f"</{match.group(1)}"
        end = lowered.find(close, match.end())
        if end < 0:
            break
        position = end + len(close)
    return " ".join(kept)
