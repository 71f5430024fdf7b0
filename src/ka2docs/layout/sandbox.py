"""The sandbox template tags render in: jinja's, with the operators that can exhaust
memory in one step bounded ({{ 'x' * 10**10 }}, {{ 9 ** 9 ** 9 }}). A template's own
tags are staff's, not an attacker's, but a typo must fail as a template error, not as
a machine out of memory."""

from __future__ import annotations

import math

from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

MAX_REPEAT = 100_000  # characters or items a '*' may make
MAX_DIGITS = 300  # a figure is a few digits; Python refuses to print more than 4,300


class LimitedSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context, operator, left, right):
        numbers = isinstance(left, int | float) and isinstance(right, int | float)
        if operator == "**" and numbers and abs(left) > 1 and right > 0 and right > MAX_DIGITS / math.log10(abs(left)):
            raise SecurityError(f"'**' would make a number of more than {MAX_DIGITS} digits")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, str | list | tuple) and isinstance(count, int) and len(sequence) * count > MAX_REPEAT:
                    raise SecurityError(f"'*' would make {len(sequence) * count:,} characters or items, more than {MAX_REPEAT:,}")
        return super().call_binop(context, operator, left, right)
