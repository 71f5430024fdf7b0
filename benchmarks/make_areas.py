"""Make a synthetic national data set: N area data folders, each the size of Kent's.

Each area is the shipped data/ renamed: a fictional area name, its county council and
partners renamed with it, twelve fictional districts, the same indicators, sign-ups,
targets and statuses, the report narratives of data/reports, and a bulletin schedule
extended to --bulletins. Every source is marked illustrative (so every document built
from it says so), officers' names and contacts are replaced by fictional ones, and
every area passes `ka2docs validate`.

    python benchmarks/make_areas.py OUT [--areas 150] [--data data] [--bulletins 20] [--stagger]

--stagger shifts each area's bulletin dates by a few days (area n by n mod 14 days), so
that no two neighbouring areas have the same bulletins and charts; without it the areas
differ only in names, as renamed copies do.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIXES = ("North", "South", "East", "West", "Mid", "Upper", "Lower", "Great", "Old", "New")
ROOTS = ("brook", "field", "moor", "dale", "ford", "wick", "stead", "mere", "wold", "bury", "combe", "ley", "hurst", "worth", "marsh")
NAMES = [p + r for p in PREFIXES for r in ROOTS]  # 150 fictional place names
DISTRICTS_PER_AREA = 12
SOURCE_NOTE = "SYNTHETIC benchmark data, a renamed copy of the shipped data (not a real area): "
# Officers named in the shipped report narratives are replaced by these fictional ones.
OFFICERS = ("Alex Example", "Sam Sample", "Jo Placeholder", "Chris Specimen")


def area_name(n: int) -> str:
    base = NAMES[n % len(NAMES)] + "shire"
    return base if n < len(NAMES) else f"{base} {n // len(NAMES) + 1}"


def district_names(n: int, count: int) -> list[str]:
    """`count` distinct fictional district names for area n, none the area's own root."""
    own = NAMES[n % len(NAMES)]
    out: list[str] = []
    k = 0
    while len(out) < count:
        name = NAMES[(n * 7 + k * 11 + 1) % len(NAMES)]
        if name != own and name not in out:
            out.append(name)
        k += 1
    return out


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def write_csv(path: Path, header: list[str], rows: list[dict]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


class Renamer:
    """Every old name to its new one in one pass (no chains), any line breaks inside kept as spaces."""

    def __init__(self, pairs: list[tuple[str, str]]):
        pairs = [*pairs, *[(old.upper(), new.upper()) for old, new in pairs], *[(old.lower(), new.lower()) for old, new in pairs]]
        self.new = {}
        patterns = []
        for old, new in sorted(pairs, key=lambda p: -len(p[0])):
            if old in self.new:
                continue
            self.new[old] = new
            patterns.append(r"\s+".join(re.escape(word) for word in old.split()))
        self.pattern = re.compile(r"\b(" + "|".join(patterns) + r")\b")

    def __call__(self, text: str) -> str:
        return self.pattern.sub(lambda m: self.new[re.sub(r"\s+", " ", m.group(0))], text)


def old_names(data: Path) -> tuple[str, list[str]]:
    """The shipped area's name and its districts (from agreement.yaml and districts.csv)."""
    import yaml

    agreement = yaml.safe_load((data / "agreement.yaml").read_text(encoding="utf-8"))["agreement"]
    _, districts = read_csv(data / "districts.csv") if (data / "districts.csv").exists() else ([], [])
    return str(agreement["area"]), [d["district"] for d in districts]


def renamer_for(n: int, area: str, districts: list[str]):
    """A function renaming area n's text, and the new area's name and initial."""
    new_area = area_name(n)
    new_districts = district_names(n, max(len(districts), DISTRICTS_PER_AREA))
    pairs = [(area, new_area), *zip(districts, new_districts)]
    # A district written with '&' for 'and' (Tonbridge & Malling) is the same district.
    pairs += [(d.replace(" and ", " & "), new) for d, new in zip(districts, new_districts) if " and " in d]
    renamer = Renamer(pairs)
    # The area's abbreviations (KCC, KA2, KDAAT ...) take the new area's initial.
    initial = new_area[0]
    acronyms = re.compile(rf"\b{re.escape(area[0])}(A\d?|ALCO|ASS|CC|CVS|DAAT|P)\b")

    def rename(text: str) -> str:
        return acronyms.sub(lambda m: initial + m.group(1), renamer(text))

    return rename, {"area": new_area, "initial": initial}


def fictional_officers(text: str, area_slug: str) -> str:
    """Names, e-mail and telephone of the report's officers replaced by fictional ones."""
    names = iter(OFFICERS * 4)
    lines, out, in_by = text.split("\n"), [], False
    for line in lines:
        stripped = line.strip()
        if re.match(r"^by:\s*$", line):
            in_by = True
        elif in_by and not stripped.startswith("- "):
            in_by = False
        if in_by and stripped.startswith("- "):
            line = re.sub(r'^(\s*- "?)[^":]+:', lambda m: f"{m.group(1)}{next(names)}:", line)
        line = re.sub(r"^(\s+name:\s*).+$", lambda m: m.group(1) + next(names), line)
        line = re.sub(r"^(\s+email:\s*).+$", lambda m: f"{m.group(1)}chief.executive@{area_slug}.example.org", line)
        line = re.sub(r"^(\s+phone:\s*).+$", lambda m: m.group(1) + "01632 960000", line)  # Ofcom's range for drama
        out.append(line)
    return "\n".join(out)


def extend_bulletins(path: Path, count: int, shift_days: int) -> None:
    header, rows = read_csv(path)
    rows = sorted(rows, key=lambda r: int(r["number"]))
    if not rows:
        return
    step = dt.timedelta(days=14)
    if len(rows) > 1:
        step = dt.date.fromisoformat(rows[-1]["date"]) - dt.date.fromisoformat(rows[-2]["date"])
    while len(rows) < count:
        last = rows[-1]
        rows.append({**last, "number": str(int(last["number"]) + 1), "date": (dt.date.fromisoformat(last["date"]) + step).isoformat()})
    for row in rows:
        row["date"] = (dt.date.fromisoformat(row["date"]) + dt.timedelta(days=shift_days)).isoformat()
    write_csv(path, header, rows)


def make_area(n: int, data: Path, out: Path, bulletins: int, stagger: bool) -> Path:
    area, districts = old_names(data)
    rename, names = renamer_for(n, area, districts)
    folder = out / slug(names["area"])
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "reports").mkdir(parents=True)
    for source in sorted(data.glob("*.csv")) + [data / "agreement.yaml"]:
        (folder / source.name).write_text(rename(source.read_text(encoding="utf-8-sig")), encoding="utf-8")
    for report in sorted((data / "reports").glob("*.yaml")) if (data / "reports").is_dir() else []:
        text = fictional_officers(rename(report.read_text(encoding="utf-8-sig")), slug(names["area"]))
        text = re.sub(r"^body: (.+)$", lambda m: f"body: {rename_file(m.group(1), area, names['initial'])}", text, flags=re.MULTILINE)
        (folder / "reports" / rename_file(report.name, area, names["initial"])).write_text(text, encoding="utf-8")
    for body in sorted((data / "reports").glob("*.docx")) if (data / "reports").is_dir() else []:
        (folder / "reports" / rename_file(body.name, area, names["initial"])).write_bytes(renamed_docx(body, rename))
    header, rows = read_csv(folder / "sources.csv")
    for row in rows:
        row["illustrative"] = "yes"
        if not row["title"].startswith(SOURCE_NOTE):
            row["title"] = SOURCE_NOTE + row["title"]
    write_csv(folder / "sources.csv", header, rows)
    if (folder / "bulletins.csv").exists():
        extend_bulletins(folder / "bulletins.csv", bulletins, n % 14 if stagger else 0)
    (folder / "README.md").write_text(
        f"# {names['area']} (synthetic)\n\nBenchmark data made by benchmarks/make_areas.py: the shipped data renamed. "
        "Not a real area; every source is marked illustrative.\n", encoding="utf-8")
    return folder


def renamed_docx(path: Path, rename) -> bytes:
    """A report's Word body with its text renamed as the YAML is (the XML's text; tags and styles have no names)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename in ("word/document.xml", "docProps/core.xml"):
                body = rename(body.decode("utf-8")).encode("utf-8")
            target.writestr(info, body)
    return out.getvalue()


def rename_file(name: str, area: str, initial: str) -> str:
    """kcc-county-council-...yaml -> ncc-county-council-...yaml: the report's id follows the area."""
    first = area[0].lower()
    return re.sub(rf"^{first}(cc|a\d)-", lambda m: f"{initial.lower()}{m.group(1)}-", name)


def make_areas(out: Path, count: int, data: Path = ROOT / "data", bulletins: int = 20, stagger: bool = False) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    return [make_area(n, data, out, bulletins, stagger) for n in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the area folders into")
    parser.add_argument("--areas", type=int, default=150, help="how many areas (default 150, about England's count)")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="the data set to copy (default: the shipped data/)")
    parser.add_argument("--bulletins", type=int, default=20, help="bulletins per area (default 20)")
    parser.add_argument("--stagger", action="store_true", help="shift each area's bulletin dates by area number mod 14 days")
    args = parser.parse_args()
    folders = make_areas(args.out, args.areas, args.data, args.bulletins, args.stagger)
    print(f"{args.out}: {len(folders)} areas ({folders[0].name} ... {folders[-1].name})")


if __name__ == "__main__":
    main()
