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


def test_the_pdf_servers_folder_is_private_and_never_someone_elses(tmp_path, monkeypatch):
    from ka2docs.errors import ConversionError
    from ka2docs.layout import pdf_server

    monkeypatch.delenv("KA2DOCS_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "xdg"))
    folder = pdf_server.runtime_folder()
    assert folder == tmp_path / "xdg" / "ka2docs" and folder.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o777)  # opened up by someone: closed again before use
    assert pdf_server.runtime_folder().stat().st_mode & 0o777 == 0o700
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert pdf_server.runtime_folder() == tmp_path / "cache" / "ka2docs" / "run"
    if os.getuid() == 0:  # only root can hand a folder to another user
        theirs = tmp_path / "theirs"
        theirs.mkdir()
        os.chown(theirs, 65534, 65534)
        monkeypatch.setenv("KA2DOCS_RUNTIME_DIR", str(theirs))
        try:
            pdf_server.runtime_folder()
        except ConversionError as exc:
            assert "not a folder of yours" in str(exc)
        else:
            raise AssertionError("another user's folder was accepted")


def test_pdf_server_status_says_none_runs_without_libreoffice(tmp_path):
    result = run_cli("pdf-server", "status", env={"KA2DOCS_RUNTIME_DIR": str(tmp_path / "rt"), "PATH": str(tmp_path)})
    assert result.returncode == 1 and "no PDF server running" in result.stdout and "Traceback" not in result.stderr


def test_renders_taken_as_they_finish_still_raise_the_first_error_in_plan_order():
    """With --pdf a build writes renders as they finish (build._as_ready); when two fail,
    the problem reported must not depend on which worker was quicker."""
    import pytest

    from ka2docs.build import _as_ready
    from ka2docs.errors import DataError, problem

    class Late:  # a worker's answer that is not ready at first
        def __init__(self, answer, polls):
            self.answer, self.polls = answer, polls

        def ready(self):
            self.polls -= 1
            return self.polls < 0

        def wait(self, timeout):
            pass

        def get(self):
            return self.answer

    early, late = problem("a.csv", 1, "", "first in plan order"), problem("b.csv", 1, "", "second")
    first, second = (DataError, [early]), (DataError, [late])
    waiting = [(["a"], ["ka"], ([b"A"], None)), (["b"], ["kb"], Late((None, first), 3)), (["c"], ["kc"], (None, second))]
    taken = []
    with pytest.raises(DataError) as raised:
        for batch, _, bodies in _as_ready(waiting):
            taken.append((batch, bodies))
    assert raised.value.problems == [early] and taken == [(["a"], [b"A"])]
    in_turn = [(["a"], ["ka"], ([b"A"], None)), (["b"], ["kb"], Late(([b"B"], None), 3)), (["c"], ["kc"], ([b"C"], None))]
    assert sorted(b[0][0] for b in _as_ready(in_turn)) == ["a", "b", "c"]
