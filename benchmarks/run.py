"""The speed benchmarks: every figure a ratio of two timings taken in the same run.

    python benchmarks/run.py [--areas 150] [--staggered-areas 10] [--pdf-documents 50] [--quick] [--only pdf]

Absolute times on a shared machine are noisy, so each row divides one timing by a
reference measured minutes apart on the same machine. Prints a Markdown table and writes
it to benchmarks/results/latest.md (git-ignored). Nothing here is a test: a missed goal
is reported, not failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = ROOT / "data"
TEMPLATES = ROOT / "templates"
BIN = Path(sys.executable).parent
KA2DOCS = [str(BIN / "ka2docs")] if (BIN / "ka2docs").exists() else [sys.executable, "-m", "ka2docs.cli"]
REFERENCE_TEMPLATE = TEMPLATES / "docx" / "local-action-plan.docx"
NATIONAL_GOAL_DOCUMENTS, NATIONAL_GOAL_SECONDS, NATIONAL_GOAL_MB = 7500, 60.0, 300

sys.path.insert(0, str(HERE))
from make_areas import make_areas  # the generator lives beside this file


@dataclass
class Row:
    measure: str
    result: str
    goal: str
    met: bool | None  # None: no goal, or not measured
    notes: list[str] = field(default_factory=list)
    figures: dict = field(default_factory=dict)  # numbers another row's note quotes


# --- timing helpers ------------------------------------------------------------------


def run(command: list[str], cwd: Path = ROOT, check: bool = True) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if check and done.returncode != 0:
        raise SystemExit(f"benchmark step failed: {' '.join(command)}\n{done.stdout}\n{done.stderr}")
    return seconds, done


def median_time(command: list[str], repeat: int) -> float:
    run(command)  # once to warm the disk cache: every timing below starts warm
    return statistics.median(run(command)[0] for _ in range(repeat))


def machine_times() -> tuple[int, int]:
    """(steal, all) clock ticks of the machine's CPUs so far, from /proc/stat (Linux; else zeros).
    Steal: time the hypervisor gave this virtual machine's CPUs to others."""
    try:
        fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def manifest(out: Path) -> list[dict]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["documents"]


def floor_seconds(path: Path) -> float:
    """The least any writer could do: read the finished file's zip members and write them
    to a new zip in memory (a file that is not a zip: read it and write it to memory)."""
    start = time.perf_counter()
    body = path.read_bytes()
    out = io.BytesIO()
    if zipfile.is_zipfile(io.BytesIO(body)):
        with zipfile.ZipFile(io.BytesIO(body)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                target.writestr(info, source.read(info.filename))
    else:
        out.write(body)
    return time.perf_counter() - start


def floor_total(out: Path, documents: list[dict]) -> float:
    """Best of three passes over every document (the floor is the reference: keep it steady)."""
    return min(sum(floor_seconds(out / d["path"]) for d in documents) for _ in range(3))


def reference_docxtpl(repeat: int = 10) -> float:
    """Seconds per document for a plain docxtpl render-and-save of one of our templates."""
    from docxtpl import DocxTemplate
    from jinja2 import Environment

    names = DocxTemplate(str(REFERENCE_TEMPLATE)).get_undeclared_template_variables(Environment())
    context = {name: f"{name} text" for name in names}
    start = time.perf_counter()
    for _ in range(repeat):
        tpl = DocxTemplate(str(REFERENCE_TEMPLATE))
        tpl.render(context)
        tpl.save(io.BytesIO())
    return (time.perf_counter() - start) / repeat


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_ino) for p in sorted(folder.rglob("*"))}


class MemorySampler:
    """Peak of the summed memory of a process and all its descendants, sampled every 50 ms.

    rss: resident set size summed over the processes (pages shared between the forked
    workers are counted once per process, so this overstates); pss: proportional set
    size (each shared page split between its sharers: the memory actually used).
    """

    def __init__(self, pid: int):
        self.pid, self.peak_rss, self.peak_pss, self.peak_processes = pid, 0, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _tree(self) -> list[int]:
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                        parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
        tree, frontier = [self.pid], [self.pid]
        while frontier:
            frontier = [pid for pid, parent in parents.items() if parent in frontier]
            tree += frontier
        return tree

    @staticmethod
    def _kb(path: str, key: str) -> int:
        try:
            with open(path, encoding="ascii") as handle:
                for line in handle:
                    if line.startswith(key):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _loop(self) -> None:
        while not self._stop.is_set():
            pids = self._tree()
            rss = sum(self._kb(f"/proc/{pid}/status", "VmRSS:") for pid in pids)
            pss = sum(self._kb(f"/proc/{pid}/smaps_rollup", "Pss:") for pid in pids)
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self.peak_processes = max(self.peak_processes, len(pids))
            self._stop.wait(0.05)


# --- the rows ------------------------------------------------------------------------


def full_build(work: Path, as_at: str, cores: int) -> tuple[list[Row], Path]:
    out = work / "full"
    cpu = children_cpu()
    seconds, _ = run([*KA2DOCS, "build", "--data", str(DATA), "--out", str(out), "--as-at", as_at])
    cpu = children_cpu() - cpu
    documents = manifest(out)
    count = len(documents)
    floor = floor_total(out, documents)
    reference = reference_docxtpl()
    ratio = seconds / floor
    formats = {}
    for d in documents:
        formats[d["format"]] = formats.get(d["format"], 0) + 1
    row = Row(
        "Full build of the shipped data (no PDF): wall time per document / floor per document",
        f"{ratio:.1f}x ({seconds / count * 1000:.0f} ms / {floor / count * 1000:.1f} ms; {count} documents: "
        + ", ".join(f"{n} {f}" for f, n in sorted(formats.items())) + f"; wall {seconds:.1f} s on {cores} cores, CPU {cpu / count * 1000:.0f} ms per document)",
        "none: start-up included (the goal is the next row's)", None,
        [(f"Reference: a plain docxtpl render-and-save of {REFERENCE_TEMPLATE.name} (tags only, no body) takes {reference * 1000:.0f} ms per document, "
          f"{reference / (floor / count):.1f}x the floor.")],
        {"floor_per_document": floor / count},
    )
    return [row], out


ONE_AREA = """
import datetime as dt, sys, time
from pathlib import Path
from ka2docs.build import build
from ka2docs.documents.plan import preload
preload()  # the libraries, as a started CLI has them: only the build is timed
start = time.perf_counter()
result = build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), dt.date.fromisoformat(sys.argv[4]))
print(time.perf_counter() - start, len(result.documents))
"""


def one_area(work: Path, as_at: str, floor: float, repeat: int) -> Row:
    """A whole build in a process that has started and loaded the libraries: a fresh process
    each time, so nothing the build makes once (templates read, charts drawn) is warm."""
    times = []
    for n in range(repeat):
        _, done = run([sys.executable, "-c", ONE_AREA, str(DATA), str(work / f"one-area-{n}"), str(TEMPLATES), as_at])
        seconds, count = done.stdout.split()
        times.append(float(seconds) / int(count))
    per = statistics.median(times)
    ratio = per / floor
    return Row("One area, process start excluded: a build's time per document in a started process / floor per document",
               f"{ratio:.1f}x ({per * 1000:.1f} ms / {floor * 1000:.1f} ms; {count} documents, median of {repeat} fresh processes, {min(times) / floor:.1f}x-{max(times) / floor:.1f}x)",
               "<= 5x (stretch 3x)", ratio <= 5)


def matrix_scaling() -> Row:
    """The sign-up matrix's workbook from its shipped context and from one with 10x the
    indicators and 10x the partners (100x the cells): time per cell, in this process."""
    import copy

    from ka2docs.documents import signup_matrix
    from ka2docs.history import position
    from ka2docs.validate import check

    day = dt.date(2008, 12, 19)
    document = signup_matrix.documents(position(check(DATA, day, strict=False, warnings=[]), day))[0]

    def scaled(times: int) -> dict:
        context = copy.deepcopy(document.context)
        for grid in (context["signups"], context.get("districts")):
            if grid:
                grid["columns"] = grid["columns"] * times
                for item in grid["rows"] + grid.get("footer", []):
                    item["cells"] = item["cells"] * times
                grid["rows"] = [copy.deepcopy(r) for _ in range(times) for r in grid["rows"]]
        return context

    per_cell = {}
    for times in (1, 10):
        context = scaled(times)
        cells = len(context["signups"]["columns"]) * len(context["signups"]["rows"])
        document.layout(context, TEMPLATES / document.template)  # the template read once, as in a build
        start = time.process_time()
        for _ in range(3):
            document.layout(context, TEMPLATES / document.template)
        per_cell[times] = ((time.process_time() - start) / 3, cells)
    (small, small_cells), (large, large_cells) = per_cell[1], per_cell[10]
    ratio = (large / large_cells) / (small / small_cells)
    return Row("Sign-up matrix, 100x the cells (10x indicators x 10x partners): CPU per cell / CPU per cell of the shipped matrix",
               f"{ratio:.2f}x ({large * 1000:.0f} ms for {large_cells:,} cells, {large / large_cells * 1e6:.1f} us a cell; shipped: {small * 1000:.0f} ms for {small_cells:,} cells, {small / small_cells * 1e6:.1f} us a cell)",
               "<= 1.25x (linear in the cells)", ratio <= 1.25)


AREA_AFTER_AREA = """
import datetime as dt, sys
from pathlib import Path
from ka2docs import build
from ka2docs.documents.plan import preload
from ka2docs.national import _build_area
preload()
build._WORKER["on"] = True  # as in build-all's workers: areas one after another in one process
for area in sorted(Path(sys.argv[1]).iterdir()):
    _build_area((area, Path(sys.argv[2]) / area.name, Path(sys.argv[3]), dt.date.fromisoformat(sys.argv[4])))
    print(next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS")) / 1024, flush=True)
"""


def memory_per_area(work: Path, as_at: str, count: int) -> Row:
    """One worker's resident memory after each of `count` staggered areas, built one after another."""
    folder = work / "memory-areas"
    make_areas(folder, count, DATA, 20, True)
    _, done = run([sys.executable, "-c", AREA_AFTER_AREA, str(folder), str(work / "memory-out"), str(TEMPLATES), as_at])
    sizes = [float(line) for line in done.stdout.split()]
    growth = (sizes[-1] - sizes[1]) / (len(sizes) - 2)  # from the second: the first area loads what every area uses
    return Row(f"National scale, memory: one worker's resident memory after each of {count} areas (staggered), built one after another",
               f"{sizes[1]:.1f} MB after the 2nd area, {sizes[-1]:.1f} MB after the {count}th: {growth:+.2f} MB per area", "flat: under 0.1 MB per area", growth < 0.1)


def no_op(out: Path, as_at: str, repeat: int) -> Row:
    before = snapshot(out)
    command = [*KA2DOCS, "build", "--data", str(DATA), "--out", str(out), "--as-at", as_at]
    _, done = run(command)
    said = "nothing changed" in done.stdout
    times = [run(command)[0] for _ in range(repeat)]
    untouched = snapshot(out) == before
    noop = statistics.median(times)
    version = median_time([*KA2DOCS, "--version"], repeat)
    ratio = noop / version
    notes = [] if said and untouched else [f"PROBLEM: said 'nothing changed': {said}; every file's mtime and inode unchanged: {untouched}"]
    return Row("No-op rebuild / `ka2docs --version`", f"{ratio:.2f}x ({noop * 1000:.0f} ms / {version * 1000:.0f} ms; no file touched: {'yes' if untouched else 'NO'})",
               "<= 1.5x", ratio <= 1.5 and said and untouched, notes)


def start_up(repeat: int) -> Row:
    helptime = median_time([*KA2DOCS, "--help"], repeat)
    bare = median_time([sys.executable, "-c", "pass"], repeat)
    typer = median_time([sys.executable, "-c", "import typer"], repeat)
    ratio = helptime / typer
    return Row("`ka2docs --help` / (`python -c pass` + the import of typer, timed as `python -c \"import typer\"`)",
               f"{ratio:.2f}x ({helptime * 1000:.0f} ms / {typer * 1000:.0f} ms; python -c pass alone: {bare * 1000:.0f} ms)", "<= 2x", ratio <= 2)


def national(work: Path, areas: int, as_at: str, cores: int, stagger: bool, label: str) -> tuple[Row, Path]:
    folder = work / ("areas-staggered" if stagger else "areas")
    make_areas(folder, areas, DATA, 20, stagger)
    out = work / ("national-staggered" if stagger else "national")
    cpu = children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen([*KA2DOCS, "build-all", str(folder), "--out", str(out), "--as-at", as_at], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with MemorySampler(process.pid) as memory:
        stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    cpu = children_cpu() - cpu
    if process.returncode != 0:
        raise SystemExit(f"build-all failed:\n{stdout}\n{stderr}")
    documents = sum(len(manifest(out / a.name)) for a in sorted(folder.iterdir()) if a.is_dir())
    rate = documents / seconds
    projected = NATIONAL_GOAL_DOCUMENTS / rate
    rss, pss = memory.peak_rss / 1024, memory.peak_pss / 1024
    met = projected <= NATIONAL_GOAL_SECONDS and rss < NATIONAL_GOAL_MB
    row = Row(
        label,
        f"{areas} areas, {documents} documents in {seconds:.1f} s = {rate:.0f} documents/s ({documents / areas:.0f} per area; "
        f"7,500 documents at this rate: {projected:.0f} s); CPU {cpu / documents * 1000:.0f} ms per document "
        f"(at that cost {cores} cores to themselves would do {cores / (cpu / documents):.0f} documents/s); "
        f"peak memory {rss:.0f} MB summed RSS ({pss:.0f} MB summed PSS) over {memory.peak_processes} processes",
        f"7,500 documents in <= {NATIONAL_GOAL_SECONDS:.0f} s (>= {NATIONAL_GOAL_DOCUMENTS / NATIONAL_GOAL_SECONDS:.0f} documents/s) on 2 cores; < {NATIONAL_GOAL_MB} MB",
        met,
        figures={"cpu_per_document": cpu / documents},
    )
    return row, out


def incremental(work: Path, as_at: str) -> Row:
    data = work / "data-copy"
    shutil.copytree(DATA, data)
    out = work / "incremental"
    full, _ = run([*KA2DOCS, "build", "--data", str(data), "--out", str(out), "--as-at", as_at])
    total = len(manifest(out))
    partner, ni, role = change_one_signup(data, dt.date.fromisoformat(as_at))
    seconds, done = run([*KA2DOCS, "build", "--data", str(data), "--out", str(out), "--as-at", as_at])
    written = int(done.stdout.split(": ", 1)[1].split(" written")[0])
    return Row(f"Incremental rebuild after one sign-up change ({partner}, NI {ni} -> {role}): documents rewritten / total; time / full build",
               f"{written} / {total} rewritten; {seconds:.1f} s / {full:.1f} s = {seconds / full:.2f}x", "only the documents that depend on it", None)


def change_one_signup(data: Path, as_at: dt.date) -> tuple[str, int, str]:
    """A new dated row: a partner's sign-up to one indicator becomes a lead, from the as-at date."""
    import csv

    path = data / "signups.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig", newline="")))
    row = next(r for r in rows if r["role"] not in ("lead", "withdrawn"))
    new = {**row, "date": as_at.isoformat(), "role": "lead", "reason": "benchmark: one sign-up changed"}
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n").writerow(new)
    return row["partner"], int(row["ni"]), "lead"


def pdf_rows(work: Path, sources: list[Path], count: int, cores: int) -> list[Row]:
    try:
        from ka2docs.layout import pdf
    except ImportError:
        pdf = None
    if pdf is None or not hasattr(pdf, "convert"):
        return [Row("PDF: 50 documents through warm LibreOffice workers", "not measured: ka2docs.layout.pdf.convert is not there yet", "<= 100 ms per document", None)]
    if not pdf.find_soffice():
        return [Row("PDF: 50 documents through warm LibreOffice workers", "not measured: LibreOffice is not installed", "<= 100 ms per document", None)]
    words = [p for p in sources if p.suffix == ".docx"][:count]
    timings = {}
    for mode in ("warm", "batch", "separate"):
        folder = work / f"pdf-{mode}"
        folder.mkdir()
        paths = []
        for n, source in enumerate(words):
            target = folder / f"{n:03d}-{source.name}"
            shutil.copyfile(source, target)
            paths.append(target)
        start = time.perf_counter()
        report = pdf.convert(paths, workers=cores, mode=mode)
        timings[mode] = (time.perf_counter() - start, report)
    warm, batch, separate = (timings[m][0] for m in ("warm", "batch", "separate"))
    n = len(words)
    per = warm / n * 1000
    notes = [getattr(timings["warm"][1], "note", "")]
    steady = None
    if hasattr(pdf, "Workers") and timings["warm"][1].mode == "warm":
        # The same documents again through workers started beforehand: conversion alone.
        folder = work / "pdf-steady"
        shutil.copytree(work / "pdf-warm", folder)
        paths = sorted(folder.glob("*.docx"))
        with pdf.Workers(cores) as workers:
            start = time.perf_counter()
            workers.convert(paths)
            steady = (time.perf_counter() - start) / n * 1000
        notes.append(f"PDF: with the {cores} LibreOffice workers already started, converting takes {steady:.0f} ms per document; "
                     f"starting them takes the rest of the {warm:.1f} s.")
    result = f"{per:.0f} ms per document ({warm:.1f} s, start-up included)"
    if steady is not None:
        result += f", {steady:.0f} ms per document once started"
    return [Row(
        f"PDF: {n} Word documents, warm LibreOffice ({timings['warm'][1].workers} workers) vs one `soffice --convert-to` call vs {n} separate calls",
        f"{result}; one call for all: {batch:.1f} s ({batch / warm:.1f}x warm); {n} separate calls: {separate:.1f} s ({separate / warm:.1f}x warm)",
        "<= 100 ms per document on 2 cores", per <= 100 if steady is None else steady <= 100, [note for note in notes if note],
    )]


def pdf_build_rows(work: Path, as_at: str, rounds: int) -> list[Row]:
    """What `build --pdf` adds to a build, against one plain soffice batch call over the same
    Word files: with the PDF server (started by a first build, reused by the timed ones),
    and without it (each build starts its own LibreOffice). Rounds interleave the four
    timings so a noisy machine slows each alike; medians."""
    label = "PDF for a build: (`build --pdf` − `build`) / one plain `soffice --convert-to pdf` batch call over the same Word files"
    from ka2docs.layout import pdf

    soffice = pdf.find_soffice()
    if not soffice or not pdf.uno_python():
        return [Row(label, "not measured: LibreOffice or a Python with UNO (python3-uno) is not installed", "<= 0.3x", None)]
    env = {**os.environ, "KA2DOCS_RUNTIME_DIR": str(work / "pdf-runtime")}  # a server of our own, never the user's
    base = [*KA2DOCS, "build", "--data", str(DATA), "--as-at", as_at]

    def timed(name: str, *extra: str, environment: dict = env) -> tuple[float, str]:
        out = work / f"pdf-build-{name}"
        shutil.rmtree(out, ignore_errors=True)
        start = time.perf_counter()
        done = subprocess.run([*base, "--out", str(out), *extra], cwd=ROOT, capture_output=True, text=True, env=environment, check=False)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"benchmark step failed: build {' '.join(extra)}\n{done.stdout}\n{done.stderr}")
        return seconds, next((line for line in done.stdout.splitlines() if line.startswith("PDF:")), "")

    words = work / "pdf-words"
    try:
        timed("first", "--pdf")  # starts the server; later builds reuse it
        words.mkdir()
        for n, path in enumerate(sorted((work / "pdf-build-first").rglob("*.docx"))):
            shutil.copyfile(path, words / f"{n:03d}-{path.name}")
        profile = (work / "pdf-profile").as_uri()
        plain = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(work / "pdf-plain"), *map(str, sorted(words.glob("*.docx")))]
        run(plain)  # once to make its profile: the timed calls start as a user's soffice does
        times: dict[str, list[float]] = {"build": [], "server": [], "cold": [], "soffice": []}
        said = {}
        for _ in range(rounds):
            times["build"].append(timed("plain")[0])
            seconds, said["server"] = timed("server", "--pdf")
            times["server"].append(seconds)
            seconds, said["cold"] = timed("cold", "--pdf", "--no-pdf-server")
            times["cold"].append(seconds)
            times["soffice"].append(run(plain)[0])
    finally:
        subprocess.run([*KA2DOCS, "pdf-server", "stop"], cwd=ROOT, capture_output=True, env=env, check=False)
    build, server, cold, batch = (statistics.median(times[k]) for k in ("build", "server", "cold", "soffice"))
    count = len(list(words.glob("*.docx")))
    rows = []
    for name, total, goal in (("with the PDF server running", server, True), ("without a server (each build starts LibreOffice)", cold, False)):
        added = total - build
        ratio = added / batch
        rows.append(Row(
            f"{label}, {name}",
            f"{ratio:.2f}x ({added:.1f} s added to a {build:.1f} s build / {batch:.1f} s for {count} Word files; median of {rounds}; "
            f"the build said: {said['server' if goal else 'cold'].removeprefix('PDF: ')})",
            "<= 0.3x" if goal else "-", ratio <= 0.3 if goal else None,
        ))
    return rows


# --- the table -----------------------------------------------------------------------


def table(rows: list[Row], header: list[str]) -> str:
    lines = [*header, "", "| measure | result | goal | met |", "|---|---|---|---|"]
    for row in rows:
        met = "-" if row.met is None else ("yes" if row.met else "**no**")
        lines.append(f"| {row.measure} | {row.result} | {row.goal} | {met} |")
    notes = [note for row in rows for note in row.notes]
    if notes:
        lines += ["", *[f"- {note}" for note in notes]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--areas", type=int, default=150, help="areas in the national run (default 150, England's count)")
    parser.add_argument("--staggered-areas", type=int, default=10, help="areas in a second national run whose bulletin dates differ per area, so no chart is shared (0: skip)")
    parser.add_argument("--pdf-documents", type=int, default=50, help="Word documents converted in the PDF row (0: skip)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per start-up timing (the median is used)")
    parser.add_argument("--as-at", default=dt.date.today().isoformat(), help="as-at date of every build (default today: every row of the data is due)")
    parser.add_argument("--quick", action="store_true", help="a short run: 10 areas, 4 staggered areas, 10 PDF documents")
    parser.add_argument("--only", choices=["pdf"], help="only the PDF-for-a-build rows (a quick look while working on PDF output)")
    parser.add_argument("--results", type=Path, default=HERE / "results" / "latest.md", help="where the table is also written")
    args = parser.parse_args()
    if args.quick:
        # An even number of staggered areas: on 2 cores an odd one leaves a worker idle at the end.
        args.areas, args.staggered_areas, args.pdf_documents = min(args.areas, 10), min(args.staggered_areas, 4), min(args.pdf_documents, 10)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    started = time.time()
    stolen = machine_times()
    load = os.getloadavg()
    header = [
        f"# ka2docs benchmarks ({dt.datetime.now():%Y-%m-%d %H:%M})",
        "",
        (f"Machine: {cores} cores ({os.cpu_count()} online), {platform.processor() or platform.machine()}, Python {platform.python_version()}, "
         f"load average at start {load[0]:.1f}. As-at date {args.as_at}. Every ratio compares two timings from this run."),
    ]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="ka2docs-bench-") as temp:
        work = Path(temp)
        if args.only == "pdf":
            step("PDF for a build: with and without the PDF server")
            rows += pdf_build_rows(work, args.as_at, 2 if args.quick else 5)
            print(table(rows, header))
            return
        step("full build of the shipped data")
        full, out = full_build(work, args.as_at, cores)
        rows += full
        step("one area, process start excluded")
        rows.append(one_area(work, args.as_at, full[0].figures["floor_per_document"], 3))
        step("no-op rebuild and start-up")
        rows.append(no_op(out, args.as_at, args.repeat))
        rows.append(start_up(args.repeat))
        step(f"national: {args.areas} areas")
        row, national_out = national(work, args.areas, args.as_at, cores, False,
                                     f"National scale: `ka2docs build-all` over {args.areas} synthetic areas (renamed copies of the shipped data; one process pool, {cores} cores)")
        row.notes.append("Renamed copies share their bulletin charts (the counts and dates are the same), so each worker draws a chart once and reuses it; the staggered row below draws every chart.")
        rows.append(row)
        step("memory, area after area")
        rows.append(memory_per_area(work, args.as_at, 16 if args.quick else 40))
        steady, floor = row.figures["cpu_per_document"], full[0].figures["floor_per_document"]
        full[0].notes.append(f"Without a start-up to share out: in the national run a document costs {steady * 1000:.1f} ms of CPU, {steady / floor:.1f}x the full build's floor per document; "
                             f"the rest of the full build's time is starting Python, reading and checking the data and loading the libraries, once for {len(manifest(out))} documents.")
        if args.staggered_areas:
            step(f"national, staggered: {args.staggered_areas} areas")
            row, _ = national(work, args.staggered_areas, args.as_at, cores, True,
                              f"National scale, staggered: {args.staggered_areas} areas whose bulletin dates differ per area (every bulletin chart drawn)")
            rows.append(row)
        step("sign-up matrix, 100x the cells")
        rows.append(matrix_scaling())
        step("incremental rebuild")
        rows.append(incremental(work, args.as_at))
        if args.pdf_documents:
            step(f"PDF: {args.pdf_documents} documents")
            sources = sorted(p for p in national_out.rglob("*.docx"))
            rows += pdf_rows(work, sources, args.pdf_documents, cores)
            step("PDF for a build: with and without the PDF server")
            rows += pdf_build_rows(work, args.as_at, 2 if args.quick else 5)
    steal, ticks = (b - a for a, b in zip(stolen, machine_times()))
    header.append(f"Total benchmark time {time.time() - started:.0f} s. The hypervisor took {steal / max(ticks, 1):.0%} of this machine's CPU time during the run (steal): wall times are longer by about that much, CPU times are not.")
    text = table(rows, header)
    print(text)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text, encoding="utf-8")


def step(what: str) -> None:
    print(f"... {what}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
