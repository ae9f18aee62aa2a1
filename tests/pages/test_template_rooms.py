"""A feature's templates and code name only their own templates: a page combining features is
composed in the page layer (dlcurriculum/pages/, templates/pages/), which may include any feature's
partials. A feature rendering another's partial is how a page came to be built in several places."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
# A feature's code and its template folders (admin/<app>/ and mail/ are the feature's too, by name).
FEATURES = {
    "stages": ("stages",),
    "progress": ("progress",),
    "capstones": ("capstones",),
    "users": ("dlcurriculum/users",),
    "groups": ("dlcurriculum/groups",),
}
TEMPLATE_NAME = re.compile(r"""\{%\s*(?:include|extends)\s+["']([^"']+)["']""")


def _owner(template_name: str) -> str | None:
    """The feature a template belongs to (None: shared, such as base.html or errors/)."""
    first = template_name.split("/", 1)[0]
    if first == "pages":
        return "pages"
    if first == "admin" and "/" in template_name:
        first = template_name.split("/")[1]
    return first if first in FEATURES else None


def _template_references():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        for referenced in TEMPLATE_NAME.findall(path.read_text(encoding="utf-8")):
            yield name, _owner(name), referenced


def _code_references():
    for feature, folders in FEATURES.items():
        for folder in folders:
            for path in sorted((ROOT / folder).rglob("*.py")):
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                    is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
                    if is_text and re.fullmatch(r"[a-z_]+/[\w/.-]+\.(html|txt)", node.value):
                        yield path.relative_to(ROOT).as_posix(), feature, node.value


def test_a_features_templates_include_only_their_own_or_shared_ones():
    crossing = [
        (name, referenced)
        for name, owner, referenced in _template_references()
        if owner not in (None, "pages") and _owner(referenced) not in (None, owner)
    ]
    assert crossing == []


def test_a_features_code_renders_only_its_own_templates():
    crossing = [
        (path, referenced)
        for path, feature, referenced in _code_references()
        if _owner(referenced) not in (None, feature)
    ]
    assert crossing == []


@pytest.mark.parametrize(
    ("name", "referenced", "allowed"),
    [
        ("stages/detail.html", "progress/_continue.html", False),
        ("capstones/portfolio.html", "progress/_completion_record.html", False),
        ("progress/pace.html", "pages/dashboard.html", False),
        ("pages/stage_detail.html", "progress/_continue.html", True),
        ("capstones/iteration.html", "base.html", True),
        ("admin/stages/link_report.html", "admin/progress/x.html", False),
    ],
)
def test_the_rule_tells_a_crossing_from_a_page(name, referenced, allowed):
    owner = _owner(name)
    assert (owner in (None, "pages") or _owner(referenced) in (None, owner)) is allowed


def test_the_scan_sees_the_templates_and_the_code():
    templates = set(_template_references())
    code = set(_code_references())
    assert ("pages/stage_detail.html", "pages", "progress/_resource_controls.html") in templates
    assert ("capstones/portfolio.html", "capstones", "capstones/_share_meta.html") in templates
    assert ("capstones/portfolio_views.py", "capstones", "capstones/public_capstone.html") in code
    assert ("dlcurriculum/users/views.py", "users", "users/profile.html") in code
