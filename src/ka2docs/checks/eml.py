"""An e-mail message (.eml): what a mail client shows, checked as the HTML rules check a page.

A client that blocks pictures from elsewhere (data: and http: alike) shows only those the
message carries, by Content-ID: every cid: the HTML refers to must be one of its parts.
"""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

from . import html

CID = re.compile(r"""src\s*=\s*["']cid:([^"']+)["']""", re.IGNORECASE)


def check(path: Path, language: str) -> list[tuple[str, str]]:
    message = BytesParser(policy=policy.default).parse(path.open("rb"))
    found: list[tuple[str, str]] = []
    plain, page = message.get_body(("plain",)), message.get_body(("html",))
    if plain is None:
        found.append(("mail-parts", "no text/plain part (allowed: a plain-text alternative for clients that show no HTML)"))
    if page is None:
        return found + [("mail-parts", "no text/html part")]
    text = page.get_content()
    carried = {str(p.get("Content-ID", "")).strip("<>") for p in message.walk()} - {""}
    for cid in CID.findall(text):
        if cid not in carried:
            found.append(("mail-parts", f"<img src=\"cid:{cid}\"> has no part with that Content-ID"))
    if re.search(r"""src\s*=\s*["'](data|https?):""", text, re.IGNORECASE):
        found.append(("mail-parts", "a picture by data: or http: address, which mail clients block (allowed: cid: to a part of the message)"))
    return found + html.check_text(text, language)
