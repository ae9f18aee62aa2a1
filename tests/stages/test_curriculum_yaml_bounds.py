"""The curriculum loader is bounded by the file's size (issue #35, finding 3): YAML anchors and
aliases are refused while the file is composed, before a value is built, and every value an error
quotes is shortened."""

import pytest
from django.core.management import CommandError, call_command

from stages import curriculum as cur
from stages.models import Stage


def billion_laughs() -> str:
    """Nine nested alias lists (9**9 "lol"s once expanded), used as a stage's slug, which the error
    label quotes."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    lines.append("stages:\n  - slug: *i\n    title: *i\n    order: 1")
    return "\n".join(lines) + "\n"


def test_the_file_is_the_size_the_outside_test_used():
    assert 380 <= len(billion_laughs().encode()) <= 400


def test_nested_aliases_are_refused_by_the_core(db):
    with pytest.raises(cur.CurriculumError, match=r"anchors and aliases .* are not allowed") as excinfo:
        cur.parse(billion_laughs())
    assert "line 1:" in str(excinfo.value)
    assert len(str(excinfo.value)) < 200


def test_nested_aliases_are_refused_by_load_curriculum_changing_nothing(db, tmp_path):
    path = tmp_path / "laughs.yaml"
    path.write_text(billion_laughs())
    with pytest.raises(CommandError, match="anchors and aliases") as excinfo:
        call_command("load_curriculum", "--file", str(path), verbosity=0)
    assert "Nothing was changed" in str(excinfo.value)
    assert Stage.objects.count() == 0


def test_one_alias_is_refused_too():
    text = cur.DEFAULT_PATH.read_text().replace("stages:\n", "x: &same {}\nstages:\n", 1)
    with pytest.raises(cur.CurriculumError, match=r"line \d+: YAML anchors and aliases \(here 'same'\)"):
        cur.parse(text)


def test_the_seed_has_no_alias_and_still_loads():
    assert len(cur.parse(cur.DEFAULT_PATH.read_text()).stages) == 6


@pytest.mark.parametrize(
    "stage",
    [
        {"slug": "x" * 50_000 + "!", "title": "T", "order": 1, "summary": "s"},
        {"slug": [list(range(1000))] * 1000, "title": "T", "order": 1},
        {"slug": "ok", "title": "T", "order": "9" * 50_000},
        {"slug": "y" * 50_000, "title": "T", "order": 1},
    ],
    ids=["long-bad-slug", "nested-list-label", "long-order", "long-label"],
)
def test_every_value_quoted_in_an_error_is_shortened(stage):
    import yaml

    text = yaml.safe_dump({"stages": [stage]}, width=10**9)
    with pytest.raises(cur.CurriculumError) as excinfo:
        cur.parse(text)
    assert len(str(excinfo.value)) < 400, str(excinfo.value)[:400]
