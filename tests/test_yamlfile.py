"""YAML people edit: libyaml parses it where it can, with PyYAML's own values and messages."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from migrator import yamlfile
from migrator.yamlfile import StrictLoader, YamlSyntaxError, parse_yaml
from tests.conftest import ROOT

DOCUMENTS = [ROOT / "migrator" / "schema" / "crm.yaml",
             *sorted((ROOT / "sample_data").glob("*.yaml"))]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_fast_parse_gives_the_reference_parser_s_values(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert parse_yaml(text) == yaml.load(text, Loader=StrictLoader)


def test_the_fast_parser_is_libyaml_where_pyyaml_has_it() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("this PyYAML was built without libyaml")
    assert issubclass(yamlfile._FastStrictLoader, yaml.CSafeLoader)


@pytest.mark.parametrize(("text", "message"), [
    ("a: [b\n", "line 2: YAML syntax error (expected ',' or ']', but got '<stream end>')"),
    ("a: 1\na: 2\n", "line 2: duplicate key 'a'"),
    ("a: \udc80b\n", "YAML syntax error (unacceptable character #xdc80: special characters "
                     "are not allowed\n  in \"<unicode string>\", position 3)"),
])
def test_a_refused_text_has_the_reference_parser_s_message(text: str, message: str) -> None:
    with pytest.raises(YamlSyntaxError) as err:
        parse_yaml(text)
    assert str(err.value) == message
