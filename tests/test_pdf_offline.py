"""PDF output where LibreOffice is not needed: the --pdf error without it, reproducible bytes, lazy imports.

These run on every machine; the tests that drive LibreOffice are in test_pdf.py.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from conftest import run_cli

from ka2docs.layout import pdf


def test_reproducible_replaces_clock_and_id_keeping_offsets():
    body = (
        b"%PDF-1.6\n1 0 obj\n<</Creator(Writer)/CreationDate(D:20261124012953Z')>>\nendobj\n"
        b"<xmp:CreateDate>2026-11-24T01:29:53Z</xmp:CreateDate>\n"
        b"trailer\n<</ID [ <59D64773944CA53FC9475880C9BCB82B>\n<59D64773944CA53FC9475880C9BCB82B> ]\n/DocChecksum /BA0F98C085D08B4E6C7E4D887303E72B\n>>\n"
    )
    later = body.replace(b"20261124012953", b"20261125101010").replace(b"2026-11-24T01:29:53", b"2026-11-25T10:10:10").replace(b"59D6477394", b"0123456789")
    day = dt.date(2008, 5, 15)
    fixed = pdf.reproducible(body, day)
    assert fixed == pdf.reproducible(later, day)
    assert len(fixed) == len(body)
    assert b"(D:20080515000000Z')" in fixed and b"<xmp:CreateDate>2008-05-15T00:00:00Z" in fixed
    assert b"59D64773944CA53FC9475880C9BCB82B" not in fixed


def test_pdf_without_libreoffice_fails_at_once_with_the_install_command(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()  # a PATH with no soffice on it
    out = tmp_path / "output"
    env = {"PATH": str(bin_dir)}
    result = run_cli("build", "--as-at", "2008-05-01", "--out", str(out), "--pdf", env=env)
    assert result.returncode == 2
    assert "LibreOffice is needed for --pdf" in result.stderr
    assert "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui" in result.stderr
    assert "brew install --cask libreoffice" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()  # nothing rendered, nothing written
    plain = run_cli("build", "--as-at", "2008-05-01", "--out", str(out), env=env)
    assert plain.returncode == 0, plain.stderr  # a build without --pdf never needs it


def test_format_libraries_stay_unimported_until_a_pdf_is_asked_for():
    code = "import sys, ka2docs.cli, ka2docs.checks; print(sorted(m for m in sys.modules if m.startswith(('docx', 'openpyxl', 'ka2docs.layout.pdf', 'uno'))))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ}, check=True)
    assert result.stdout.strip() == "[]"
