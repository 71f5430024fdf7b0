"""As-at resolution: the position on any date, and what changed between two dates.

A later row for the same thing supersedes an earlier one from its date on; a row dated
after the as-at date does not exist yet. Nothing here reads files or knows formats, and
nothing outside this package filters rows by date.
"""

from .changes import Change, changes, public
from .position import IndicatorPosition, Position, latest, position
from .summary import Summary, SummaryRow, summary

__all__ = ["Change", "IndicatorPosition", "Position", "Summary", "SummaryRow", "changes", "latest", "position", "public", "summary"]
