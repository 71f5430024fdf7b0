"""Values as office staff write them in the data files: dates YYYY-MM-DD."""

from __future__ import annotations

import datetime as dt
import re

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(text: str) -> tuple[dt.date | None, str | None]:
    if not DATE.match(text):
        return None, f"'{text}' is not a date (allowed: YYYY-MM-DD, e.g. 2008-05-01)"
    try:
        return dt.date.fromisoformat(text), None
    except ValueError:
        return None, f"'{text}' is not a real date (allowed: YYYY-MM-DD with a real month and day)"
