"""YAML read through libyaml gives what the pure-Python reader gives, lines included."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ka2docs.data import yamlfile
from ka2docs.errors import DataError

DATA = Path(__file__).resolve().parent.parent / "data"


def shape(node):
    """Values with the line of every key and item, to compare two readings."""
    if isinstance(node, dict):
        return (node.line, node.lines, {k: shape(v) for k, v in node.items()})
    if isinstance(node, list):
        return (node.line, node.lines, [shape(v) for v in node])
    return node


@pytest.mark.skipif(yamlfile.CParser is None, reason="PyYAML built without libyaml")
@pytest.mark.parametrize("path", sorted(DATA.rglob("*.yaml")), ids=lambda p: p.name)
def test_libyaml_reads_every_shipped_file_as_python_does(path):
    text = path.read_text(encoding="utf-8")
    assert yamlfile._Loader is not yamlfile._PureLoader
    assert shape(yaml.load(text, Loader=yamlfile._Loader)) == shape(yaml.load(text, Loader=yamlfile._PureLoader))


READERS = ["_Loader", "_PureLoader"]


def the_problem(loader: str, text: str, tmp_path, monkeypatch):
    """The one problem `loader` reports for an agreement.yaml holding `text`."""
    monkeypatch.setattr(yamlfile, "_Loader", getattr(yamlfile, loader))
    path = tmp_path / "agreement.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as refused:
        yamlfile.read_yaml(path, "agreement.yaml")
    (found,) = refused.value.problems
    return found


@pytest.mark.parametrize("loader", READERS)
def test_an_alias_is_refused_at_its_own_line_by_either_reader(loader, tmp_path, monkeypatch):
    found = the_problem(loader, "a: &x 1\nb: 2\nc: *x\n", tmp_path, monkeypatch)
    assert (found.line, found.column) == (3, "column 4") and "alias *x is not allowed" in found.message


@pytest.mark.parametrize("loader", READERS)
def test_a_control_character_is_reported_at_its_line_and_column(loader, tmp_path, monkeypatch):
    found = the_problem(loader, "a: 1\nname: Kent\u2013x\x00y\n", tmp_path, monkeypatch)
    assert (found.line, found.column) == (2, "column 13") and "#x0000" in found.message
