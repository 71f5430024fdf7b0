"""One thing that differs between two dates: the row every changes list is made of."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Change:
    """One thing that differs between two dates, with its old and new value."""

    date: dt.date
    ni: int
    kind: str  # indicator | status | baseline | target | designation | sign-up | rag
    item: str  # what, within the indicator: measure/year, partner...
    old: str
    new: str
    reason: str
    source: str
    restricted: bool = False  # the old or the new row is restricted: a Part 2 document shows it in full
    old_source: str = ""  # the source of the old value, so a document can mark it too
    old_restricted: bool = False  # only the old row is (the new row, and its reason, are public)

    def as_dict(self) -> dict:
        return {
            "date": self.date.isoformat(), "ni": self.ni, "kind": self.kind, "item": self.item,
            "old": self.old, "new": self.new, "reason": self.reason, "source": self.source,
        }

    @property
    def what(self) -> str:
        """What changed, in words: 'status', 'target 10/11 (All persons)', 'sign-up: Natural England'."""
        if self.kind == "indicator":
            return f"indicator {self.item}"
        if self.kind == "status":
            return self.item
        if self.kind == "sign-up":
            return f"sign-up: {self.item}"
        if self.kind == "rag":
            return "RAG against the trajectory" + (f" ({self.item})" if self.item else "")
        measure, _, year = self.item.rpartition(", ")
        when = "" if year == "baseline" else (" for the whole period" if year == "all" else f" {year}")
        return f"{self.kind}{when}" + (f" ({measure})" if measure else "")

    def public(self) -> Change | None:
        """This change as a Part 1 document may show it, or None.

        A status move is public (the Part 1 submission shows every status) but a
        restricted row's reason is not; restricted commentary is never public. When only
        the row before was restricted, the new row is public, its reason with it.
        """
        if not self.restricted:
            return self
        if self.kind == "status" and self.item == "status":
            return replace(self, reason=self.reason if self.old_restricted else "", restricted=False, old_restricted=False)
        if self.old_restricted:  # new commentary, public, replacing notes that were not
            return replace(self, old="", restricted=False, old_restricted=False)
        return None
