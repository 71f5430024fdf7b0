"""Read YAML keeping the line of every key, so a problem can be reported as FILE:LINE."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import DataError, problem


class LineDict(dict):
    """A mapping that remembers the line each key was written on."""

    lines: dict[str, int]
    line: int


class LineList(list):
    lines: list[int]
    line: int


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.lines = {}
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.lines = [child.start_mark.line + 1 for child in node.value]
    result.line = node.start_mark.line + 1
    return result


def _string(loader: _Loader, node: yaml.ScalarNode) -> str:
    # Dates stay text here: the schema decides what is a date and reports it by line.
    return loader.construct_scalar(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _string)


def read_yaml(path: Path, display: str) -> Any:
    """Parse one YAML file; a syntax error becomes a DataError at its line and column."""
    from .tables import read_text  # one place decides encoding and size rules

    text = read_text(path, display)
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else 0
        column = f"column {mark.column + 1}" if mark else ""
        raise DataError([problem(display, line, column, f"YAML syntax error: {exc.problem} (allowed: valid YAML)")]) from None
    except yaml.YAMLError as exc:
        raise DataError([problem(display, 0, "", f"YAML error: {exc} (allowed: valid YAML)")]) from None


def line_of(node: Any, key: Any = None) -> int:
    """The line of a key in a LineDict, of an item in a LineList, or of the node itself."""
    if isinstance(node, LineDict) and key is not None:
        return node.lines.get(key, node.line)
    if isinstance(node, LineList) and isinstance(key, int) and key < len(node.lines):
        return node.lines[key]
    return getattr(node, "line", 0)
