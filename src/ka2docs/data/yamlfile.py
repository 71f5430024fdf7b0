"""Read YAML keeping the line of every key, so a problem can be reported as FILE:LINE.

Office users write these files by hand, so YAML 1.1's guesses are turned off: `1.10`
stays '1.10' and `No` stays 'No' (text); only `true`/`false`, whole numbers without a
leading zero and empty values are read as anything but text. A key written twice and
an alias (`*name`, which can multiply a small file into gigabytes) are refused.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from ..errors import DataError, problem


class LineDict(dict):
    """A mapping that remembers the line each key was written on."""

    lines: dict[str, int]
    line: int


class LineList(list):
    lines: list[int]
    line: int


class _Refused(yaml.MarkedYAMLError):
    """A construct we do not read (alias, duplicate key), reported at its mark."""


class _TextResolver(BaseResolver):
    """YAML 1.2's core booleans and integers, and null; every other plain scalar is text."""


_TextResolver.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_TextResolver.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^(?:0|[-+]?[1-9][0-9]{0,17})$"), list("-+0123456789"))
_TextResolver.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


class _Refusing:
    """Composing from parser events, refusing an alias where it is written."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused(None, None, f"alias *{event.anchor} is not allowed (allowed: each value written out; no &anchors or *aliases)", event.start_mark)
        return super().compose_node(parent, index)


class _PureLoader(_Refusing, Reader, Scanner, Parser, Composer, SafeConstructor, _TextResolver):
    def __init__(self, stream):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        _TextResolver.__init__(self)


try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None

if CParser is not None:
    # libyaml scans and parses (six times faster: most of reading the data); the
    # composing stays Python's, ahead of CParser's own in the order below, so an alias
    # is refused at the line it is written on, as without libyaml.
    class _Loader(_Refusing, Composer, CParser, SafeConstructor, _TextResolver):
        def __init__(self, stream):
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            _TextResolver.__init__(self)
else:
    _Loader = _PureLoader


def _mapping(loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.lines = {}
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | bool | None):
            raise _Refused(None, None, "a key must be a plain name (allowed: name: value)", key_node.start_mark)
        if key in result:
            raise _Refused(None, None, f"key '{key}' appears twice in this mapping, first at line {result.lines[key]} (allowed: each key once)", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.lines = [child.start_mark.line + 1 for child in node.value]
    result.line = node.start_mark.line + 1
    return result


def _string(loader, node: yaml.ScalarNode) -> str:
    # An explicit tag (!!float 1.5, !!timestamp ...) still gives the text: the schema decides what it is.
    return loader.construct_scalar(node)


for _loader in {_Loader, _PureLoader}:
    _loader.add_constructor(BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
    _loader.add_constructor(BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
    for _tag in ("timestamp", "float", "binary", "set", "omap", "pairs", "value", "merge"):
        _loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _string)


DEEP = "nested too deeply (allowed: the sections and lists the shipped files use)"


def read_yaml(path: Path, display: str) -> Any:
    """Parse one YAML file; a syntax error becomes a DataError at its line and column."""
    from .tables import read_text  # one place decides encoding and size rules

    text = read_text(path, display)
    try:
        return yaml.load(text, Loader=_Loader)
    except _Refused as exc:
        mark = exc.problem_mark
        raise DataError([problem(display, mark.line + 1, f"column {mark.column + 1}", exc.problem)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark else 0
        column = f"column {mark.column + 1}" if mark else ""
        if "nesting depth" in (exc.problem or ""):  # libyaml's own limit: the same words as Python's
            raise DataError([problem(display, line, column, DEEP)]) from None
        raise DataError([problem(display, line, column, f"YAML syntax error: {exc.problem} (allowed: valid YAML)")]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML cannot hold (NUL, a control character)
        before = text.encode("utf-8")[: exc.position] if _Loader is not _PureLoader else text[: exc.position].encode("utf-8")
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise DataError([problem(display, line, f"column {column}", f"character #x{exc.character:04x} is not allowed in YAML (allowed: text without control characters)")]) from None
    except yaml.YAMLError as exc:
        raise DataError([problem(display, 0, "", f"YAML error: {str(exc).splitlines()[0]} (allowed: valid YAML)")]) from None
    except RecursionError:  # thousands of nested [[[[...]]]]
        raise DataError([problem(display, 0, "", DEEP)]) from None


def line_of(node: Any, key: Any = None) -> int:
    """The line of a key in a LineDict, of an item in a LineList, or of the node itself."""
    if isinstance(node, LineDict) and key is not None:
        return node.lines.get(key, node.line)
    if isinstance(node, LineList) and isinstance(key, int) and key < len(node.lines):
        return node.lines[key]
    return getattr(node, "line", 0)


def unknown_keys(node: LineDict, allowed: set[str], display: str, prefix: str, problems: list) -> None:
    """Each key of a mapping not in `allowed`, as a problem at its line."""
    for key in node:
        if key not in allowed:
            name = f"{prefix}.{key}" if prefix else str(key)
            problems.append(problem(display, line_of(node, key), name, "unknown key (allowed: " + ", ".join(sorted(allowed)) + ")"))
