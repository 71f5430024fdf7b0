"""The bulletin as an e-mail: the .eml a mail client opens ready to send, read back with the
standard library as a client reads it, and delivered through a real SMTP server."""

from __future__ import annotations

import datetime as dt
import html as markup
import re
import shutil
import smtplib
import socket
import zipfile
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from conftest import DATA, TEMPLATES

AS_AT = "2008-06-13"  # four bulletins out; bulletin 3 (30 May) has news, changes of three kinds and deadlines
TOOL = re.compile(r"seed|ka2docs|illustrative-|\.csv|\.yaml|rows written", re.IGNORECASE)


@pytest.fixture(scope="module")
def out(build_at) -> Path:
    return build_at(AS_AT)


def parse(path: Path):
    with path.open("rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)


def test_the_message_is_addressed_from_the_office_to_the_distribution_list(out):
    message = parse(out / "bulletins" / "bulletin-03.eml")
    assert message["Subject"] == "Kent Agreement 2 bulletin 3, 30 May 2008"
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Kent Partnership office", "kentpartnership@kent.gov.uk")
    [group] = message["To"].groups
    assert group.display_name == "Kent Agreement 2 bulletin distribution list" and group.addresses == ()
    assert message["Date"].datetime.date().isoformat() == "2008-05-30"
    assert message["Message-ID"] == "<ka2-bulletin-03-20080530@kent.gov.uk>"
    assert message["X-Unsent"] == "1"  # opens as a draft to send
    assert message["Content-Language"] == "en-GB"


def test_plain_text_and_html_say_the_same_things(out):
    message = parse(out / "bulletins" / "bulletin-03.eml")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, markup.unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))):
        assert "Dear colleagues," in part
        assert "The submission goes to GOSE today." in part  # the editor's news
        assert "Since bulletin 2 of 16 May 2008: Agreed with GOSE 7 (illustrative), up 4" in " ".join(part.split())
        assert "Natural England signed up as statutory (illustrative) partner" in " ".join(part.split())
        assert "30 June 2008: Ministers' approval of Kent Agreement 2" in " ".join(part.split())
        assert "kentpartnership@kent.gov.uk" in part and "01622 694022" in part
        assert "With best wishes," in part
    assert "<h2" in html and "<table" in html
    assert text.splitlines()[0] == "Kent Agreement 2 bulletin 3 (illustrative): 30 May 2008"
    assert max(len(line) for line in text.splitlines()) <= 76


def test_the_chart_is_inline_by_cid_and_is_the_picture_the_print_copy_shows(out):
    message = parse(out / "bulletins" / "bulletin-03.eml")
    html = message.get_body(("html",)).get_content()
    assert "data:" not in html  # mail clients block data: URIs
    [cid] = re.findall(r'<img [^>]*src="cid:([^"]+)"', html)
    [image] = [p for p in message.walk() if p.get("Content-ID") == f"<{cid}>"]
    assert image.get_content_type() == "image/png" and image.get_content_disposition() == "inline"
    with zipfile.ZipFile(out / "bulletins" / "bulletin-03.docx") as archive:
        [media] = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert image.get_content() == archive.read(media)
    related = next(p for p in message.walk() if p.get_content_type() == "multipart/related")
    assert [p.get_content_type() for p in related.iter_parts()] == ["text/html", "image/png"]


def test_the_draft_submission_is_attached_byte_for_byte(out):
    message = parse(out / "bulletins" / "bulletin-03.eml")
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "Kent Agreement 2 draft submission 2008-05-30.xlsx"
    assert attachment.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert attachment.get_content() == (out / "bulletins" / "bulletin-03-submission.xlsx").read_bytes()


def test_the_first_bulletin_mail_gives_the_position_as_first_recorded(out):
    text = parse(out / "bulletins" / "bulletin-01.eml").get_body(("plain",)).get_content()
    assert "The position as first recorded" in text and "371 changes" not in text and "had nothing recorded" not in text


def test_no_word_of_the_tool_in_any_part_of_any_message(out):
    for path in sorted((out / "bulletins").glob("*.eml")):
        message = parse(path)
        headers = "\n".join(f"{k}: {v}" for k, v in message.items())
        texts = [p.get_content() for p in message.walk() if p.get_content_maintype() == "text"]
        names = [p.get_filename() or "" for p in message.walk()]
        for part in (headers, *texts, *names):
            found = TOOL.search(re.sub(r'src="data:[^"]+"', "", part))
            assert not found, f"{path.name}: {found.group(0)!r}"


def test_a_message_is_the_same_bytes_on_every_render(out):
    from ka2docs.data.load import load
    from ka2docs.documents import bulletins
    from ka2docs.history import position

    data = load(DATA)
    [mail] = [d for d in bulletins.documents(position(data, dt.date(2008, 5, 30))) if d.format == "eml" and d.id.endswith("03")]
    assert mail.path == "bulletins/bulletin-03.eml"
    assert mail.render(TEMPLATES) == mail.render(TEMPLATES) == (out / "bulletins" / "bulletin-03.eml").read_bytes()


def test_the_check_command_reads_the_message_as_a_client_does(out, tmp_path):
    from ka2docs.checks import check_file

    good = out / "bulletins" / "bulletin-03.eml"
    assert check_file(good) == []
    broken = tmp_path / "broken.eml"
    broken.write_bytes(good.read_bytes().replace(b"Content-ID: <chart-", b"Content-ID: <other-"))
    assert [f.rule for f in check_file(broken)] == ["mail-parts"]


# --- a real mail stack ----------------------------------------------------------------------


@pytest.fixture
def smtp_server():
    """An SMTP server on 127.0.0.1 that keeps what it receives."""
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self):
            self.received = []

        async def handle_DATA(self, server, session, envelope):
            self.received.append(envelope)
            return "250 Message accepted for delivery"

    with socket.socket() as probe:  # a free port, so parallel runs do not collide
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Keep()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def test_the_message_goes_through_smtp_intact(out, smtp_server):
    handler, port = smtp_server
    message = parse(out / "bulletins" / "bulletin-03.eml")
    recipients = ["officer@partner.example", "councillor@county.example"]  # the list, as the mail system expands it
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        refused = client.send_message(message, to_addrs=recipients)
    assert refused == {}
    [envelope] = handler.received
    assert envelope.mail_from == "kentpartnership@kent.gov.uk" and envelope.rcpt_tos == recipients
    arrived = BytesParser(policy=policy.default).parsebytes(envelope.content)
    assert arrived["Subject"] == "Kent Agreement 2 bulletin 3, 30 May 2008"
    assert arrived["Message-ID"] == message["Message-ID"]
    def same(part: str) -> str:  # SMTP carries CRLF line ends; the words must be the same
        return part.replace("\r\n", "\n")

    assert same(arrived.get_body(("plain",)).get_content()) == same(message.get_body(("plain",)).get_content())
    assert same(arrived.get_body(("html",)).get_content()) == same(message.get_body(("html",)).get_content())
    [attachment] = list(arrived.iter_attachments())
    assert attachment.get_content() == (out / "bulletins" / "bulletin-03-submission.xlsx").read_bytes()
    [cid] = re.findall(r'src="cid:([^"]+)"', arrived.get_body(("html",)).get_content())
    assert any(p.get("Content-ID") == f"<{cid}>" and p.get_content().startswith(b"\x89PNG") for p in arrived.walk())


def test_the_manifest_lists_each_message(out):
    import json

    manifest = json.loads((out / "manifest.json").read_text())
    mails = [d for d in manifest["documents"] if d["format"] == "eml"]
    assert [d["path"] for d in mails] == [f"bulletins/bulletin-0{n}.eml" for n in range(1, 5)]
    assert {d["kind"] for d in mails} == {"bulletin"}


def test_a_change_to_the_attached_template_renders_the_message_again(tmp_path):
    from ka2docs.build import fingerprint
    from ka2docs.data.load import load
    from ka2docs.documents import bulletins
    from ka2docs.history import position

    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    documents = bulletins.documents(position(load(DATA), dt.date(2008, 5, 2)))
    [mail] = [d for d in documents if d.format == "eml"]
    [page] = [d for d in documents if d.format == "html"]
    before = fingerprint(mail, templates), fingerprint(page, templates)
    with open(templates / "xlsx" / "submission.xlsx", "ab") as handle:
        handle.write(b"\0")  # the submission template restyled
    assert fingerprint(mail, templates) != before[0]  # the e-mail attaches a submission made from it
    assert fingerprint(page, templates) == before[1]  # the page does not


def test_the_quick_way_writes_the_bytes_the_email_package_writes():
    """The message is made with stand-ins for the part bodies, then filled in: the bytes must be
    the email package's own, for every bulletin, and for text that holds a stand-in itself."""
    from ka2docs.data.load import load
    from ka2docs.documents import bulletins
    from ka2docs.history import position
    from ka2docs.layout import chart, eml, html, xlsx

    def parts(context):
        page = html.render(context, TEMPLATES / eml_doc.template, chart_src=f"cid:{eml._cid(context['mail'])}").decode()
        workbook = xlsx.submission(context["submission"], TEMPLATES / context["submission_template"])
        return eml.plain_text(context["body"]), page, chart.png(context["chart"]), workbook

    mails = [d for d in bulletins.documents(position(load(DATA), dt.date(2008, 12, 19))) if d.format == "eml"]
    assert len(mails) == 17
    for eml_doc in mails:
        assert eml_doc.render(TEMPLATES) == eml.message_bytes(eml_doc.context, parts(eml_doc.context)), eml_doc.path
    body = [{"kind": "paragraph", "text": f"Quoted: {eml.STAND_INS[0]} and {eml.STAND_INS[1]}."}, *eml_doc.context["body"]]
    tricky = {**eml_doc.context, "body": body}
    made = eml.bulletin(tricky, TEMPLATES / eml_doc.template)
    assert made == eml.message_bytes(tricky, parts(tricky)) and eml.STAND_INS[0].encode() in made
