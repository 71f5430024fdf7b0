"""The pieces a narrative is made of (texts, blocks, sections) and the sandbox that fills them.

Shared by the YAML narratives (narrative.py) and the Word bodies (word_body.py), so
neither imports the other.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field


@dataclass
class Text:
    """A piece of narrative text and where it was written, rendered later with figures."""

    source: str
    file: str
    line: int
    column: str


@dataclass
class Block:
    kind: str  # text | table | bullets | numbered | subheading
    texts: list[Text] = field(default_factory=list)
    table: str = ""
    caption: Text | None = None  # a table's caption, which may use figures too
    options: dict = field(default_factory=dict)  # a table's options: since, partner, indicator, district


@dataclass
class Section:
    heading: Text
    blocks: list[Block]


class UnknownName(Exception):
    """A name, key or attribute a narrative asked for that the figures do not have."""

    def __init__(self, owner, name):
        super().__init__(name)
        self.owner, self.name = owner, name


@functools.cache
def sandbox():
    """One sandbox for every Filler: it holds rules, not figures, and each costs a millisecond to set up."""
    from jinja2 import StrictUndefined, Undefined
    from jinja2.sandbox import SandboxedEnvironment

    def fail(self, *args, **kwargs):
        # Raised as our own error, so the message names what exists rather than the engine's wording.
        raise UnknownName(self._undefined_obj, self._undefined_name)

    # Every operation StrictUndefined fails on (str, iteration, comparison...) is bound to the base's method by name.
    failing = {name for cls in (Undefined, StrictUndefined) for name, value in vars(cls).items() if value is Undefined._fail_with_undefined_error}
    Unknown = type("Unknown", (StrictUndefined,), {"__slots__": (), **dict.fromkeys(failing, fail)})
    env = SandboxedEnvironment(undefined=Unknown, autoescape=False, keep_trailing_newline=False)
    env.filters["words"] = words
    return env




_WORDS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
]


def words(number) -> str:
    """{{ themes | words }}: 'eight', as reports write small numbers; larger ones stay digits."""
    return _WORDS[number] if isinstance(number, int) and 0 <= number < len(_WORDS) else str(number)
