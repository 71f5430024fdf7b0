"""Rewrite docs/data-reference.md from the loader's schema (src/ka2docs/data/schema.py).

Run after changing a table, column or key: `python scripts/make_data_reference.py`.
tests/test_data_reference.py fails while the committed file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ka2docs.data.reference import render

if __name__ == "__main__":
    target = ROOT / "docs" / "data-reference.md"
    target.parent.mkdir(exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target.relative_to(ROOT)}")
