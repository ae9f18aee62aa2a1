"""The capstone brief's frameworks become the notebook check's families."""

import pytest

from capstones.frameworks import as_family, brief_rules
from capstones.notebooks import analyse
from tests import factories

from .notebook_builders import code, md, notebook

pytestmark = pytest.mark.django_db


def test_framework_row_becomes_a_family_with_its_wrappers():
    row = factories.FrameworkFactory(
        module="keras", family=["keras", "tf_keras"], wrappers=[{"pattern": "hub.KerasLayer", "reason": "why"}]
    )
    family = as_family(row)
    assert family.matches("tf_keras.layers")
    assert family.wrapper_for("hub.KerasLayer").reason == "why"


def test_brief_frameworks_without_family_data_use_the_curriculum_description(brief):
    result = analyse(notebook(md(), code("import tensorflow as tf\ntf.keras.Model()")), **brief_rules(brief))
    assert [u.library for u in result.libraries] == ["keras"]


def test_brief_family_edited_by_an_admin_is_used(brief):
    brief.forbidden_frameworks.filter(module="keras").update(family=["keras", "mykeras"])
    result = analyse(notebook(md(), code("import mykeras")), **brief_rules(brief))
    assert [u.library for u in result.libraries] == ["keras"]
