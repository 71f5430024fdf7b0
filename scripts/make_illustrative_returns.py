"""Write the ILLUSTRATIVE completed returns for the period to 30 September 2008.

The seeds hold no monitoring figures, so these are invented (source illustrative-returns)
to show the whole cycle in `make build`: the returns are built as the office sends them,
then filled in with openpyxl as each officer would (only the input cells), and saved
under data/returns/2008-09-30/. Two officers have not returned and one returned late.
Run from the repository root: PYTHONPATH=src python scripts/make_illustrative_returns.py
"""

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from openpyxl import load_workbook

from ka2docs.build import build
from ka2docs.data.returns import FIELD_ROW, FIELDS, HEADER_ROW, SHEET, column_of

ROOT = Path(__file__).resolve().parent.parent
PERIOD = "2008-09-30"
# officer file -> (date returned, {(NI, measure): (actual, commentary, remedial action, data quality)})
RETURNS = {
    "helen-marsh": ("2008-10-22", {
        (163, ""): (None, "Skills for Life and Train to Gain delivery on plan; the Level 2 baseline is awaited from the LSC.", "", ""),
        (171, ""): (None, "Business registration data for 2007 is due in November 2008.", "", ""),
        (152, ""): (None, "Jobcentre Plus reports out-of-work benefit claims rising since the summer.", "", ""),
        (188, ""): (2, "Level 2 reached: the comprehensive risk assessment has been completed.", "", "Validated"),
    }),
    "ruth-penfold": ("2008-10-24", {
        (120, "Male"): (640, "Male mortality fell less than planned; the gap is in the coastal districts.", "Targeted health checks for men aged 40-74 in Thanet and Swale from November.", "Provisional"),
        (120, "Female"): (470, "Ahead of the trajectory.", "", "Provisional"),
        (120, "All persons"): (548, "Ahead of the trajectory overall.", "", "Provisional"),
        (39, ""): (None, "Three-year rolling baseline agreed in principle with GOSE.", "", ""),
    }),
    "simon-clarke": ("2008-10-30", {
        (55, ""): (9.9, "National Child Measurement Programme 2007/08 results: slightly above the trajectory.", "Healthy schools programme extended to a further 40 primary schools.", "Validated"),
        (40, ""): (None, "Baseline published in the summer; figures for the half year are not yet available.", "", ""),
        (125, ""): (None, "Data collection for the baseline closed in June; analysis under way.", "", ""),
        (51, ""): (13, "Self-assessment score improved with the new CAMHS service model.", "", "Validated"),
    }),
    "joanna-webb": ("2008-10-28", {
        (189, ""): (15, "Actions in the flood risk plan on schedule.", "", "Validated"),
        (186, ""): (7.3, "Latest national estimate (2006) published in September.", "", "Provisional"),
        (191, ""): (838, "Residual waste fell, but less than planned over the summer.", "Food waste collections start in two more districts in January 2009.", "Provisional"),
        (197, ""): (233, "Two more Local Sites brought under positive management.", "Survey of a further 20 sites planned for the winter.", "Estimated"),
    }),
    "mark-hollis": ("2008-11-07", {
        (195, "Litter / Detritus"): (12.4, "The first survey of the year found more litter in town centres.", "Additional street cleansing in the six worst-scoring town centres; second survey brought forward to December.", "Provisional"),
        (195, "Graffiti"): (4.5, "Ahead of the trajectory.", "", "Provisional"),
        (195, "Fly Posting"): (0.40, "A few sites account for most fly-posting.", "Enforcement notices served at the three sites concerned.", "Provisional"),
        (15, ""): (None, "Baseline year under the new counting rules.", "", ""),
        (21, ""): (None, "Kent Crime and Victimisation Survey results due in December.", "", ""),
        (111, ""): (None, "Awaiting the final technical definition.", "", ""),
        (32, ""): (None, "MARACs now running in every district.", "", ""),
        (3, ""): (None, "Place Survey conducted in September and October.", "", ""),
        (6, ""): (None, "Place Survey conducted in September and October.", "", ""),
    }),
    "tom-reynolds": ("2008-10-31", {
        (198, "Primary"): (43, "School travel plans now in place at 80% of primary schools.", "", "Validated"),
        (198, "Secondary"): (32, "No change at secondary schools since the baseline.", "Walking bus and cycle training offer extended to secondary schools from January.", "Validated"),
        (175, ""): (None, "Bus stop accessibility audit at the 8 hospitals complete.", "", ""),
        (47, ""): (1150, "Killed or seriously injured casualties rose on rural A roads over the summer.", "Route safety reviews on the five worst A roads; speed enforcement with the Safety Camera Partnership.", "Provisional"),
    }),
    "claire-dunn": ("2008-10-29", {
        (159, ""): (43, "Supply remains above the requirement.", "", "Validated"),
        (154, ""): (5210, "Completions slowed with the housing market.", "Sites with planning permission reviewed with developers; the Kent Housing Group is to report in January.", "Provisional"),
        (155, ""): (702, "Affordable homes delivered ahead of the profile.", "", "Validated"),
    }),
    "andrew-kerr": ("2008-10-27", {
        (187, ""): (None, "Technical guidance published; baseline to be set at the refresh.", "", ""),
        (141, ""): (66.5, "Supporting People services on track.", "", "Validated"),
    }),
}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        # The returns go out from the data without any return in (the ones there may be out of date).
        data = Path(folder) / "data"
        shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("returns"))
        out = Path(folder) / "output"
        build(data, out, ROOT / "templates", dt.date(2008, 10, 15), jobs=1)
        target = ROOT / "data" / "returns" / PERIOD
        target.mkdir(parents=True, exist_ok=True)
        for name, (returned, answers) in RETURNS.items():
            book = load_workbook(out / "returns" / PERIOD / f"{name}.xlsx")
            sheet = book[SHEET]
            sheet.cell(FIELD_ROW + FIELDS.index("Date returned"), 2).value = dt.datetime.fromisoformat(returned)
            row = HEADER_ROW + 1
            while sheet.cell(row, column_of("NI")).value is not None:
                ni = sheet.cell(row, column_of("NI")).value
                key = (ni, "") if (ni, "") in answers else (ni, _measure(sheet.cell(row, column_of("Measure")).value))
                actual, commentary, remedial, quality = answers[key]
                for column, value in (("Actual", actual), ("Commentary", commentary), ("Remedial action", remedial), ("Data quality", quality)):
                    sheet.cell(row, column_of(column)).value = value or (0 if value == 0 and column == "Actual" else None)
                row += 1
            book.save(target / f"{name}.xlsx")


def _measure(text: str) -> str:
    """The split measure in 'Title (Male)'."""
    return text.rsplit(" (", 1)[1].removesuffix(")")


if __name__ == "__main__":
    main()
