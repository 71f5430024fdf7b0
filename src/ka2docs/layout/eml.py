"""The bulletin as an e-mail message (.eml) a mail client opens ready to send.

multipart/mixed
    multipart/alternative
        text/plain                      the same words, from the Word body's blocks
        multipart/related
            text/html                   the HTML template, its chart referred to by cid:
            image/png                   the chart (mail clients block data: URIs)
    application/...spreadsheetml.sheet  the draft submission of the bulletin's date

Built with the standard library's email package. The Message-ID, Date and MIME
boundaries are fixed by the bulletin's number and date, so a rebuild gives the same
bytes. Text parts are quoted-printable and binary parts base64, neither of which can
contain a boundary that starts '=_'.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import textwrap
from pathlib import Path

from ..errors import TemplateError, problem

SENT_AT = dt.time(9, 0)  # the hour the office sends: fixed, so the Date header is the bulletin's day
WIDTH = 76  # plain-text lines a mail client shows without wrapping them again
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
BOLD = re.compile(r"\*\*(.+?)\*\*")


def preload() -> None:
    """What a render uses, imported ahead (see documents.preload)."""
    import email.headerregistry
    import email.message  # noqa: F401

    from . import html, xlsx

    html.preload()
    xlsx.preload()


def bulletin(context: dict, template: Path) -> bytes:
    """The message: headers from context['mail'], the HTML template's page, the chart, the submission."""
    from . import chart, html, xlsx

    mail = context["mail"]
    templates = template.parents[1]  # the templates folder: TEMPLATES/html/bulletin.html.j2
    page = html.render(context, template, chart_src=f"cid:{_cid(mail)}").decode("utf-8")
    workbook = xlsx.submission(context["submission"], templates / context["submission_template"])
    parts = (plain_text(context["body"]), page, chart.png(context["chart"]), workbook)
    return _filled(context, parts)


def _cid(mail: dict) -> str:
    domain = mail["message_id"].rpartition("@")[2].rstrip(">")
    return f"chart-{mail['message_id'].strip('<>').partition('@')[0]}@{domain}"


# The email package writes a part's body line by line, a few thousand lines a message
# (most of a bulletin's e-mail time). So the message is made with a short stand-in for
# each part's body, and each stand-in's encoded lines are then replaced by the body's,
# encoded as the package encodes it: the same bytes (tested), in a tenth of the time.
STAND_INS = ("ka2docs-text-part", "ka2docs-html-part", b"ka2docs-chart-part", b"ka2docs-workbook-part")
LINE = 78  # policy.default's max_line_length: the length the package encodes bodies to


def _filled(context: dict, parts: tuple) -> bytes:
    message = message_bytes(context, STAND_INS)
    for stand_in, body in zip(STAND_INS, parts):
        encoded = _encoded(stand_in)
        if message.count(encoded) != 1:
            return message_bytes(context, parts)  # a stand-in's text also elsewhere: the long way
        message = message.replace(encoded, _encoded(body))
    return message


def _encoded(body: str | bytes) -> bytes:
    """A body as the email package writes it: text quoted-printable, bytes base64, CRLF line ends."""
    import base64
    from email import quoprimime

    if isinstance(body, str):
        lines = body.encode("utf-8").splitlines()
        data = quoprimime.body_encode((b"\n".join(lines) + b"\n").decode("latin-1"), LINE).encode("ascii")
    else:  # the package's lines of LINE // 4 * 3 = 57 bytes are base64's own
        data = base64.encodebytes(body)
    return re.sub(rb"\r\n|\r|\n", b"\r\n", data)


def message_bytes(context: dict, parts: tuple) -> bytes:
    """The message through the email package: the headers, the parts' structure and bodies."""
    from email import policy
    from email.headerregistry import Address, Group
    from email.message import EmailMessage

    text, page, png, workbook = parts
    rfc5322 = policy.default.clone(linesep="\r\n")  # RFC 5322 line ends, as a mail server stores them
    mail = context["mail"]
    message = EmailMessage(policy=rfc5322)
    try:
        message["From"] = Address(mail["from_name"], addr_spec=mail["from_address"])
        message["To"] = Address(mail["to_name"], addr_spec=mail["to_address"]) if mail["to_address"] else Group(mail["to_name"] or "Undisclosed recipients")
    except (ValueError, IndexError) as exc:  # an address the header registry cannot parse
        raise TemplateError([problem("agreement.yaml", 0, "contact.email", f"cannot address the e-mail: {exc} (allowed: e.g. office@example.gov.uk)")]) from None
    message["Subject"] = mail["subject"]
    message["Date"] = dt.datetime.combine(dt.date.fromisoformat(mail["date"]), SENT_AT, dt.UTC)
    message["Message-ID"] = mail["message_id"]
    message["X-Unsent"] = "1"  # Outlook opens the file as a draft to send, not as a message received
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(page, subtype="html", cte="quoted-printable")
    message.get_payload()[1].add_related(png, "image", "png", cid=f"<{_cid(mail)}>", filename="chart.png", disposition="inline")
    message.add_attachment(workbook, *XLSX, filename=context["attachment"])
    message["Content-Language"] = "en-GB"  # after the parts are made: making them moves Content-* headers down
    seed = hashlib.sha256(mail["message_id"].encode()).hexdigest()[:24]
    for n, part in enumerate(p for p in message.walk() if p.is_multipart()):
        part.set_boundary(f"=_{seed}_{n}")
    return message.as_bytes(policy=rfc5322)


# --- the plain-text alternative ------------------------------------------------------


def plain_text(blocks: list[dict]) -> str:
    """The Word body's blocks as plain text: underlined headings, wrapped paragraphs, '- ' bullets."""
    out: list[str] = []
    for block in blocks:
        kind = block["kind"]
        if kind == "heading":
            text = block["text"]
            rule = {1: "=", 2: "-"}.get(block.get("level", 1))
            out.append(f"{text}\n{rule * min(len(text), WIDTH)}" if rule else text)
        elif kind == "paragraph":
            out.append("\n".join(_wrap(line) for line in _plain(block["text"]).split("\n")))
        elif kind == "bullets":
            out.append("\n".join(_wrap(_plain(item), "- ", "  ") for item in block["items"]))
        elif kind == "table":
            out.append("\n".join(_wrap(_row(row), "", "    ") for row in block["rows"]))
        elif kind in ("chart", "image"):
            out.append(_wrap(f"[Chart: {block.get('caption') or block['alt']}]"))  # the table above gives its figures
    return "\n\n".join(out) + "\n"


def _plain(text: str) -> str:
    return BOLD.sub(r"\1", text)


def _row(cells: list[str]) -> str:
    label, *values = [str(c) for c in cells]
    return f"{label}: {', '.join(v for v in values if v)}"


def _wrap(text: str, first: str = "", rest: str = "") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=first, subsequent_indent=rest, break_long_words=False, break_on_hyphens=False) or first.rstrip()
