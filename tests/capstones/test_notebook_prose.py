"""Prose is counted in human words: no URLs, HTML, images, badges or data: URIs (issue #12)."""

from capstones.notebooks.prose import count_words

COLAB_BADGE = (
    '<a href="https://colab.research.google.com/github/x/y/blob/main/n.ipynb" target="_parent">'
    '<img src="https://colab.research.google.com/assets/colab-badge.svg" alt="Open In Colab"/></a>'
)


def test_plain_sentence_counts_its_words():
    assert count_words("We train a small network on MNIST.") == 7


def test_colab_badge_is_not_prose():
    assert count_words(COLAB_BADGE) == 0


def test_markdown_badge_image_inside_a_link_is_not_prose():
    assert count_words("[![Open In Colab](https://colab.research.google.com/assets/badge.svg)](https://x.org)") == 0


def test_inline_base64_image_is_not_prose():
    assert count_words("![plot](data:image/png;base64," + "QUJD" * 5000 + ") Two words") == 2


def test_html_image_with_a_data_uri_is_not_prose():
    assert count_words('<img src="data:image/png;base64,' + "QUJD" * 5000 + '"> Two words') == 2


def test_link_keeps_its_text_but_not_its_url():
    assert count_words("Read [the docs](https://pytorch.org/docs/stable/nn.html) first") == 4


def test_bare_url_is_not_prose():
    assert count_words("See https://pytorch.org/docs/stable/generated/torch.nn.Linear.html") == 1


def test_html_tags_are_dropped_but_their_text_counts():
    assert count_words("<p>Hello <b>there</b></p>") == 2


def test_fenced_code_is_not_prose():
    assert count_words("Before\n```python\nimport torch\nx = 1\n```\nafter") == 2


def test_unclosed_script_in_markdown_hides_only_itself():
    assert count_words("Visible words <script>var hidden = 1") == 2


def test_words_in_scripts_without_spaces_are_counted_per_character():
    assert count_words("深度学习") == 4


def test_hostile_markdown_is_counted_in_linear_time():
    # Each construct opened 20,000 times and never closed: every pattern gives up at once.
    assert count_words("<script>" * 20_000 + "```" * 20_000 + "[a](" * 20_000 + "<!--" * 20_000) == 0
