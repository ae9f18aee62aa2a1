"""The last check on e-mail HTML: anything that would be fetched when the message is opened."""

import pytest

from dlcurriculum.mail.remote import remote_resources


@pytest.mark.parametrize(
    "html",
    [
        '<p><img src="http://tracker.example/p.gif" alt=""></p>',
        "<IMG SRC=https://tracker.example/p.gif>",
        '<img srcset="https://tracker.example/p.gif 2x">',
        '<table background="http://tracker.example/bg.png"><tr><td>x</td></tr></table>',
        "<div style=\"background-image: url('https://tracker.example/bg.png')\">x</div>",
        "<style>body { background: url(https://tracker.example/bg.png) }</style>",
        '<style>@import "https://tracker.example/s.css";</style>',
        '<link rel="stylesheet" href="https://tracker.example/s.css">',
        '<iframe src="https://tracker.example/"></iframe>',
        '<video poster="https://tracker.example/p.png"></video>',
        '<svg><image href="https://tracker.example/p.png"/></svg>',
        '<meta http-equiv="refresh" content="0;url=https://tracker.example/">',
        '<script src="https://tracker.example/t.js"></script>',
        '<p style="background: u\\72l(https://tracker.example/p.gif)">escaped url()</p>',
        "<p style=\"background-image: image-set('https://tracker.example/p.gif' 1x)\">image-set</p>",
        '<img src="cid:logo" srcset="https://tracker.example/p.gif 2x">',
        '<html manifest="https://tracker.example/app.manifest"><p>x</p></html>',
    ],
)
def test_remote_resource_is_found(html):
    assert remote_resources(html)


@pytest.mark.parametrize(
    "html",
    [
        '<p>Read <a href="https://example.com/course">the course</a>.</p>',
        "<p>&lt;img src=http://tracker.example/p.gif&gt; was escaped</p>",
        '<img src="cid:logo@dlcurriculum" alt="logo">',
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="">',
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        '<div style="color: #333">plain style</div>',
    ],
)
def test_links_escaped_text_and_inline_content_are_not_remote(html):
    assert remote_resources(html) == []
