"""The fuzzer: mutate the shipped data (cells of every table, keys and values of the YAML
files, bytes of a workbook) and check every build ends as promised: exit 0, or exit 2
with FILE:LINE lines and the output folder untouched; never a traceback or exit 1, never
past a time limit.

A short run is part of the suite (KA2DOCS_FUZZ_EXAMPLES, default 25, a few seconds); `make fuzz` runs
thousands. The library is called in-process for speed (Ka2docsError carries the exit
code the CLI would give); a few examples go through the CLI as a user runs it. Every
failure found becomes a case in test_bad_input.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import signal
import tempfile
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

from conftest import DATA, TEMPLATES, run_cli
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_bad_input import LINE, snapshot

AS_AT = dt.date(2008, 5, 1)
EXAMPLES = int(os.environ.get("KA2DOCS_FUZZ_EXAMPLES", "25"))
FINDINGS = os.environ.get("KA2DOCS_FUZZ_LOG")  # set: a broken promise is written there and the run goes on
SECONDS = 60  # one build of the shipped data takes about one; a hang is caught well before the suite's timeout
YAMLS = ["agreement.yaml", *sorted(f"reports/{p.name}" for p in (DATA / "reports").glob("*.yaml"))]

# Values an office user, a careless paste or an attacker might put in a cell or a YAML value.
NASTY = st.sampled_from([
    "", " ", "  Kent Police ", "kent police", "yes", "No", "no", "TRUE", "1.10", "0", "-1", "007", "9" * 40, "9" * 5000,
    "2008-02-30", "2008-13-01", "9999-12-31", "0001-01-01", "1900-01-01", "2099-12-31", "08/05/2008", "lead", "withdrawn",
    "agreed", "seed-003", "illustrative-history", "=1+1", "@SUM(A1)", '"', '""', ",", ";", "\n", "\r\n", "\t", "\x00", "\x07",
    "{{ indicators }}", "{{ nope }}", "{% for i in range(9) %}x{% endfor %}", "{{ 'x' * 99 }}", "&a", "*a", "[", "{", "]",
    "- x", "key: value", "!!python/object:os.system", "<w:t>", "&amp;", "x" * 300, "\u202e", "\ufeff", "é", "\U0001F600",
])
VALUE = st.one_of(NASTY, st.text(max_size=12), st.integers(-10, 400).map(str))


class TookTooLong(Exception):
    pass


@contextmanager
def time_limit(seconds: int):
    """A hang fails the example (SIGALRM interrupts pure-Python loops) instead of the suite."""
    def stop(signum, frame):
        raise TookTooLong(f"past {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- mutations: each takes the data folder and draws what to change --------------------------


def tables(data: Path) -> list[str]:
    """The CSV tables still in the folder (an earlier step may have made one a workbook)."""
    return sorted(p.name for p in data.glob("*.csv"))


def mutate_cell(data: Path, draw) -> str:
    name = draw(st.sampled_from(tables(data)))
    rows = list(csv.reader(io.StringIO((data / name).read_text(encoding="utf-8"), newline="")))
    r = draw(st.integers(0, len(rows) - 1))
    c = draw(st.integers(0, len(rows[r])))
    value = draw(VALUE)
    if c == len(rows[r]):
        rows[r].append(value)
    else:
        rows[r][c] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (data / name).write_text(out.getvalue(), encoding="utf-8")
    return f"{name} row {r + 1} cell {c + 1} = {value!r}"


def mutate_rows(data: Path, draw) -> str:
    """Delete, duplicate or swap rows: the keyed rows and the order rules."""
    name = draw(st.sampled_from(tables(data)))
    lines = (data / name).read_text(encoding="utf-8").splitlines(keepends=True)
    i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
    action = draw(st.sampled_from(["delete", "duplicate", "swap"]))
    if action == "delete":
        del lines[i]
    elif action == "duplicate":
        lines.insert(j, lines[i])
    else:
        lines[i], lines[j] = lines[j], lines[i]
    (data / name).write_text("".join(lines), encoding="utf-8")
    return f"{name}: {action} line {i + 1} ({j + 1})"


def mutate_text(data: Path, draw) -> str:
    """Raw characters into any data file: CSV quoting, YAML syntax, encodings."""
    name = draw(st.sampled_from([*tables(data), *YAMLS]))
    body = (data / name).read_bytes()
    at = draw(st.integers(0, len(body)))
    insert = draw(st.one_of(NASTY, st.text(max_size=4))).encode("utf-8", "surrogatepass")
    cut = draw(st.integers(0, 3))
    (data / name).write_bytes(body[:at] + insert + body[at + cut:])
    return f"{name} byte {at}: {insert!r} over {cut}"


KEY_LINE = re.compile(r"^(\s*(?:- )?)([A-Za-z_][\w]*):(.*)$")


def mutate_yaml(data: Path, draw) -> str:
    """A key or value of agreement.yaml or a report: renamed, retyped, repeated, removed."""
    name = draw(st.sampled_from(YAMLS))
    lines = (data / name).read_text(encoding="utf-8").split("\n")
    keyed = [n for n, line in enumerate(lines) if KEY_LINE.match(line)]
    n = draw(st.sampled_from(keyed))
    indent, key, value = KEY_LINE.match(lines[n]).groups()
    action = draw(st.sampled_from(["value", "quoted-value", "key", "delete", "duplicate"]))
    new = draw(VALUE)
    if action == "value":
        lines[n] = f"{indent}{key}: {new}"
    elif action == "quoted-value":
        lines[n] = f"{indent}{key}: " + '"' + new.replace("\\", "\\\\").replace('"', '\\"') + '"'
    elif action == "key":
        lines[n] = f"{indent}{re.sub(r'[^A-Za-z_]', '', new) or 'x'}:{value}"
    elif action == "delete":
        del lines[n]
    else:
        lines.insert(n, lines[n])
    (data / name).write_text("\n".join(lines), encoding="utf-8")
    return f"{name} line {n + 1}: {action} {new!r}"


_WORKBOOK: dict[str, bytes] = {}


def _signups_workbook() -> bytes:
    if "signups" not in _WORKBOOK:
        import openpyxl

        book = openpyxl.Workbook()
        with open(DATA / "signups.csv", encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                book.active.append(row)
        out = io.BytesIO()
        book.save(out)
        _WORKBOOK["signups"] = out.getvalue()
    return _WORKBOOK["signups"]


def mutate_workbook(data: Path, draw) -> str:
    """signups as a workbook, then its bytes (the zip) or its sheet's XML damaged."""
    body = _signups_workbook()
    if not (data / "signups.csv").exists():
        return "signups.xlsx already"
    (data / "signups.csv").unlink()
    if draw(st.booleans()):
        spots = draw(st.lists(st.tuples(st.integers(0, len(body) - 1), st.integers(0, 255)), min_size=1, max_size=4))
        damaged = bytearray(body)
        for at, byte in spots:
            damaged[at] = byte
        (data / "signups.xlsx").write_bytes(bytes(damaged))
        return f"signups.xlsx bytes {spots}"
    with zipfile.ZipFile(io.BytesIO(body)) as source:
        members = {n: source.read(n) for n in source.namelist()}
    part = draw(st.sampled_from(sorted(members)))
    xml = members[part]
    at = draw(st.integers(0, len(xml)))
    insert = draw(st.one_of(NASTY, st.sampled_from(['<c r="XFD1048576"><v>1</v></c>', '<row r="1048576"/>', "<!DOCTYPE x [<!ENTITY a 'b'>]>", "&a;", 'state="hidden"', "<dimension ref=\"A1:XFD1048576\"/>"])))
    members[part] = xml[:at] + insert.encode("utf-8", "surrogatepass") + xml[at + draw(st.integers(0, 8)):]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, member in members.items():
            target.writestr(name, member)
    (data / "signups.xlsx").write_bytes(out.getvalue())
    return f"signups.xlsx {part} at {at}: {insert!r}"


MUTATIONS = [mutate_cell, mutate_cell, mutate_rows, mutate_text, mutate_yaml, mutate_yaml, mutate_workbook]


# --- the promise -----------------------------------------------------------------------------


_BASELINE: dict[str, Path] = {}


def baseline() -> Path:
    """The shipped data built once: each example builds over a copy, as a user rebuilds."""
    if "out" not in _BASELINE:
        from ka2docs.build import build

        out = Path(tempfile.mkdtemp(prefix="ka2docs-fuzz-")) / "output"
        build(DATA, out, TEMPLATES, AS_AT, jobs=1)
        _BASELINE["out"] = out
    return _BASELINE["out"]


def assert_promise_kept(data: Path, out: Path, what: str) -> None:
    from ka2docs.build import build
    from ka2docs.errors import Ka2docsError

    before = snapshot(out)
    start = time.perf_counter()
    try:
        with time_limit(SECONDS):
            build(data, out, TEMPLATES, AS_AT, jobs=1)
    except Ka2docsError as exc:
        assert exc.exit_code == 2, f"{what}: exit {exc.exit_code}: {exc}"
        lines = str(exc).splitlines()
        assert lines, f"{what}: exit 2 without a message"
        for line in lines:
            assert LINE.match(line), f"{what}: not FILE:LINE: COLUMN: message (allowed: ...): {line!r}"
        assert snapshot(out) == before, f"{what}: the output folder changed on a refused build"
    except TookTooLong:
        raise AssertionError(f"{what}: the build ran past {SECONDS} s") from None
    except Exception as exc:
        raise AssertionError(f"{what}: exit 1 (a traceback): {type(exc).__name__}: {exc}") from exc
    else:
        assert (out / "manifest.json").is_file(), what
    assert time.perf_counter() - start < SECONDS, what
    assert not list(out.parent.glob(".ka2docs-*")), f"{what}: a temporary folder was left behind"


# No shrinking: each example is a build (a second or so), and `what` already says what was changed.
@settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.generate], suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_every_mutation_of_the_data_exits_0_or_2_with_lines_and_touches_nothing_on_failure(draws):
    with tempfile.TemporaryDirectory() as folder:
        data, out = Path(folder) / "data", Path(folder) / "output"
        shutil.copytree(DATA, data)
        shutil.copytree(baseline(), out)
        steps = draws.draw(st.integers(1, 3))
        what = "; ".join(draws.draw(st.sampled_from(MUTATIONS))(data, draws.draw) for _ in range(steps))
        try:
            assert_promise_kept(data, out, what)
        except AssertionError as exc:
            if not FINDINGS:
                raise
            with open(FINDINGS, "a", encoding="utf-8") as log:
                log.write(f"{str(exc).splitlines()[0]}\n")


@settings(max_examples=3, deadline=None, database=None, phases=[Phase.generate], suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_data_through_the_cli_never_shows_a_traceback(draws):
    with tempfile.TemporaryDirectory() as folder:
        data, out = Path(folder) / "data", Path(folder) / "output"
        shutil.copytree(DATA, data)
        what = draws.draw(st.sampled_from(MUTATIONS))(data, draws.draw)
        result = run_cli("build", "--data", str(data), "--out", str(out), "--as-at", AS_AT.isoformat())
        assert result.returncode in (0, 2), (what, result.returncode, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout, what
        if result.returncode == 2:
            assert all(LINE.match(line) for line in result.stderr.strip().splitlines()), (what, result.stderr)
            assert not out.exists(), what
