"""The settings package reads like a table of contents, and README's configuration table is its index.

Read from the source (``ast``), not by importing: a setting defined twice, or changed by a later
module after its definition, is invisible in the final values but is exactly what makes settings
hard to read (the value you see where a setting is defined is not the value the app gets).
"""

import ast
import re
from pathlib import Path

import environ

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dlcurriculum" / "settings"
MODULES = sorted(path for path in PACKAGE.glob("*.py") if path.name != "__init__.py")
README = ROOT / "README.md"

SETTING = re.compile(r"[A-Z][A-Z0-9_]*")
# Methods that change a list, dict or set in place.
MUTATORS = {
    "append", "insert", "extend", "update", "setdefault", "pop", "popitem",
    "remove", "clear", "add", "discard", "sort", "reverse",
}  # fmt: skip
# The only settings not assigned by name: the e-mail transport's, from django-environ's parse of EMAIL_URL.
EMAIL_URL_PARSE = "globals().update(env.email_url_config(EMAIL_URL))"


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _is_setting(name: str) -> bool:
    return SETTING.fullmatch(name) is not None


def _module_level(statements):
    """The module's statements, inside ``if``/``try``/``with`` blocks too, but not inside functions or classes."""
    for statement in statements:
        yield statement
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field in ("body", "orelse", "finalbody"):
            yield from _module_level(getattr(statement, field, []))
        for handler in getattr(statement, "handlers", []):
            yield from _module_level(handler.body)


def _names(target):
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _names(element)
    elif isinstance(target, ast.Starred):
        yield from _names(target.value)


def _assigned_settings(tree: ast.Module):
    for statement in _module_level(tree.body):
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
            targets = [statement.target]
        else:
            continue
        for target in targets:
            for name in _names(target):
                if _is_setting(name):
                    yield name, statement.lineno


def _root_name(node) -> str | None:
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _where(path: Path, node) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def test_the_package_is_composed_of_every_module_in_dependency_order_and_nothing_else():
    tree = _tree(PACKAGE / "__init__.py")
    body = tree.body[1:] if ast.get_docstring(tree) else tree.body
    imported = []
    for statement in body:
        assert isinstance(statement, ast.ImportFrom), f"__init__.py only composes the modules: line {statement.lineno}"
        assert statement.level == 1, f"__init__.py imports its own modules only: line {statement.lineno}"
        assert [alias.name for alias in statement.names] == ["*"], f"line {statement.lineno}"
        imported.append(statement.module)
    assert sorted(imported) == sorted(path.stem for path in MODULES)
    assert imported[:2] == ["env", "core"], "the mode, then production's check of its required variables, first"


def test_every_setting_is_assigned_exactly_once_in_one_module():
    definitions: dict[str, list[str]] = {}
    for path in MODULES:
        for name, line in _assigned_settings(_tree(path)):
            definitions.setdefault(name, []).append(f"{path.relative_to(ROOT)}:{line}")
    twice = {name: places for name, places in definitions.items() if len(places) > 1}
    assert not twice, f"settings assigned more than once: {twice}"
    # The e-mail transport's settings come from parsing EMAIL_URL; none may also be assigned by name.
    parsed = set()
    for url in ("consolemail://", "smtp+tls://user:password@mail.test:587/?timeout=5", "smtp+ssl://mail.test"):
        parsed |= set(environ.Env.email_url_config(url))
    assert parsed.isdisjoint(definitions), parsed & set(definitions)
    assert len(definitions) > 150, "the scan found the settings"


def test_no_setting_is_changed_after_its_definition():
    changes = []
    parses = []
    for path in MODULES:
        for node in ast.walk(_tree(path)):
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
                targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                for target in targets:
                    if isinstance(target, (ast.Subscript, ast.Attribute)) and _is_setting(_root_name(target) or ""):
                        changes.append(f"{_where(path, node)} {ast.unparse(target)} = ...")
                    if isinstance(node, ast.AugAssign) and isinstance(target, ast.Name) and _is_setting(target.id):
                        changes.append(f"{_where(path, node)} {target.id} {ast.unparse(node.op)}= ...")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                receiver = node.func.value
                if node.func.attr in MUTATORS and _is_setting(_root_name(receiver) or ""):
                    changes.append(f"{_where(path, node)} {ast.unparse(node)}")
                if isinstance(receiver, ast.Call) and ast.unparse(receiver.func) in {"globals", "vars", "locals"}:
                    parses.append((path.name, ast.unparse(node)))
    assert not changes, "settings changed after their definition (define them complete instead):\n" + "\n".join(changes)
    assert parses == [("mail.py", EMAIL_URL_PARSE)], parses


def test_settings_comments_say_why_not_which_issue():
    for path in [PACKAGE / "__init__.py", *MODULES]:
        text = path.read_text()
        found = re.findall(r"(?i)\bissues?\s*#?\s*\d+|#\d+", text)
        assert not found, f"{path.relative_to(ROOT)} cites issue numbers: {found}"


def _env_reads(path: Path):
    """Every variable a settings module reads: all go through ``env`` with the name spelled out."""
    tree = _tree(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and ast.unparse(node) in {"os.environ", "os.getenv"}:
            raise AssertionError(f"{_where(path, node)}: read the environment through env, so it is listed")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        reads = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "env"
            # Parsers of a value already read (email_url_config), not reads.
            and not func.attr.endswith("_config")
        )
        if not reads:
            continue
        first = node.args[0] if node.args else None
        literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
        assert literal, f"{_where(path, node)}: name the variable as a string literal, so it can be listed"
        yield first.value


def _variables_read() -> set[str]:
    return {name for path in MODULES for name in _env_reads(path)}


def _readme_table() -> set[str]:
    """The variables in the first column of README's configuration table."""
    section = README.read_text().split("\n## Configuration", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if not line.startswith("|") or set(line) <= {"|", "-", " "}:
            continue
        first_cell = line.split("|")[1]
        names |= set(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def test_every_variable_the_settings_read_is_in_the_readme_configuration_table():
    read = _variables_read()
    assert {"DEBUG", "DATABASE_URL", "S3_REGION", "LINKCHECK_USER_AGENT"} <= read, "the scan found the reads"
    missing = sorted(read - _readme_table())
    assert not missing, f"read by the settings but not in README's configuration table: {missing}"


def test_every_variable_in_the_readme_configuration_table_is_read_by_the_settings():
    unread = sorted(_readme_table() - _variables_read())
    assert not unread, f"in README's configuration table but read by no setting: {unread}"
