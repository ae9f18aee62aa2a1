"""How many human words a markdown cell holds.

URLs, HTML tags, images, badges and ``data:`` URIs are not prose: a Colab badge
would otherwise count as 35 words and one inline image as a thousand. Every
pattern is free of nested repetition, so the cost stays linear on hostile input.
"""

from __future__ import annotations

import re

_FENCED_CODE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.S | re.M)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_DATA_URI = re.compile(r"data:[\w.+-]+/[\w.+-]+(?:;[\w=.+-]+)*,[^\s)\"'>]*", re.I)
# Images (badges are images inside links): nothing of them is prose, not even the alt text.
_IMAGE = re.compile(r"!\[[^\]\n]{0,500}\]\([^)\n]{0,5000}\)|!\[[^\]\n]{0,500}\]\[[^\]\n]{0,500}\]")
_HTML_IMAGE_LIKE = re.compile(r"<(?:img|svg|video|audio|iframe|object|embed|source|picture)\b[^>]*>", re.I)
_SCRIPT_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_HTML_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
_LINK = re.compile(r"\[([^\]\n]{0,500})\]\([^)\n]{0,5000}\)")
_LINK_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]\n]{1,500}\]:[ \t]*\S+.*$", re.M)
_URL = re.compile(r"(?:https?|ftp)://\S+|www\.\S+|mailto:\S+", re.I)
_ENTITY = re.compile(r"&#?\w{1,10};")
# Scripts written without spaces between words: each character stands for about one word.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*|\d+(?:[.,]\d+)*")


def human_text(markdown: str) -> str:
    text = _FENCED_CODE.sub(" ", markdown)
    text = _HTML_COMMENT.sub(" ", text)
    text = _DATA_URI.sub(" ", text)
    text = _IMAGE.sub(" ", text)
    text = _HTML_IMAGE_LIKE.sub(" ", text)
    text = _SCRIPT_STYLE.sub(" ", text)
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
