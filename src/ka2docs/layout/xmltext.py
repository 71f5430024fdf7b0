"""Text from data as XML: escaped, and without the characters XML 1.0 cannot hold at all.

The Word and Excel writers build their XML as text; every value from data passes here.
"""

from __future__ import annotations

import re

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # and lone surrogates, which UTF-8 cannot encode


SPECIAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff&<>\"]")  # what escape changes


def escape(text: str) -> str:
    """For element text and attribute values alike."""
    if not SPECIAL.search(text):  # most text from data: nothing to change
        return text
    return NOT_XML.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
