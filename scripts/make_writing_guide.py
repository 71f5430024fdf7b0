"""Write docs/writing-reports.md from the code and the shipped data (run after changing either).

The names and tables it lists are the ones a build fills narratives from
(ka2docs.documents.narrative_guide); tests/test_writing_reports.py fails when the file is stale.
"""

from pathlib import Path

from ka2docs.documents.narrative_guide import write

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    write(ROOT / "data", ROOT / "docs" / "writing-reports.md")
    print(ROOT / "docs" / "writing-reports.md")
