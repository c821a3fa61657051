"""The parser keeps its own copy of the models' value sets, because parsing must not import
Django; these tests fail as soon as the two copies drift apart."""

import pytest

from declarations import models
from declarations.intake.parsing import values


def constants(cls):
    return {name: value for name, value in vars(cls).items() if name.isupper()}


@pytest.mark.parametrize("name", ["Part", "VerbClass", "Relation", "Kind"])
def test_the_parser_and_the_models_know_the_same_values(name):
    parsed = constants(getattr(values, name))
    stored = {member.name: member.value for member in getattr(models, name)}
    assert parsed == stored


def test_the_parser_imports_nothing_of_django():
    import ast
    from pathlib import Path

    folder = Path(values.__file__).parent
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            assert not [n for n in names if n.split(".")[0] == "django"], path.name
