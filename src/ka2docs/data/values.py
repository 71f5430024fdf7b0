"""Values as office staff write them in the data files: dates YYYY-MM-DD."""

from __future__ import annotations

import datetime as dt
import re

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2099, 12, 31)


def parse_date(text: str) -> tuple[dt.date | None, str | None]:
    if not DATE.match(text):
        return None, f"'{shown(text)}' is not a date (allowed: YYYY-MM-DD, e.g. 2008-05-01)"
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None, f"'{text}' is not a real date (allowed: YYYY-MM-DD with a real month and day)"
    if not FIRST_DATE <= day <= LAST_DATE:  # 9999-12-31 typed for 'never' would overflow every date sum
        return None, f"'{text}' is out of range (allowed: a date from {FIRST_DATE} to {LAST_DATE})"
    return day, None


def shown(text: str, most: int = 60) -> str:
    """A value quoted in a message, cut short: a 5,000-digit cell should not fill the screen."""
    return text if len(text) <= most else text[:most] + "..."


MAX_DIGITS = 9  # an NI number is at most 3 digits, an order or bulletin number a few
