"""Cells and column widths of the submission tables a report prints (its Appendix, and the
narrative tables that quote it), so both lay them out the same way."""

from __future__ import annotations


def by_indicator(rows: list[dict]) -> list[list[dict]]:
    """The submission's rows (one per measure) gathered per indicator."""
    grouped: list[list[dict]] = []
    for row in rows:
        if grouped and grouped[-1][0]["ni"] == row["ni"]:
            grouped[-1].append(row)
        else:
            grouped.append([row])
    return grouped


def measures(lines: list[dict], value) -> str:
    """One cell for all of an indicator's measures: 'Male: 656' on a line each."""
    parts = []
    for line in lines:
        text = value(line)
        if text:
            parts.append(f"{line['measure']}: {text}" if line["measure"] else text)
    return "\n".join(parts)


def fitted_widths(columns: list[str], rows: list[list[str]], total: float, narrowest: float = 2.4, step: float = 0.1, firsts: dict | None = None) -> list[float]:
    """Column widths in cm that keep the table's rows short, none narrower than `narrowest`.

    Rows may not split across pages, so a tall row wastes the rest of a page. Starting
    from the narrowest widths, each step of width goes to the column where it saves the
    most lines over the whole table (a line holds about 5.5 characters a cm at 9 pt,
    less the end of a line a word did not fit);
    ties go to the column with the most lines of its own.
    """
    cells = [[[len(part) for part in str(c).split("\n")] for c in row] for row in [columns, *rows]]  # each cell's line lengths

    def lines(lengths: list[int], width: float) -> float:  # smooth, so that every step of width counts
        per_line = max(1.0, (width - 0.25) * 5.5 - 2.5)  # cell padding; words wrap before the edge
        return sum(max(1.0, length / per_line) for length in lengths)

    widths = [max(narrowest, (firsts or {}).get(n, 0)) for n in range(len(columns))]  # firsts: a column's own least width
    counts = [[lines(row[n], widths[n]) for row in cells] for n in range(len(columns))]  # counts[column][row]
    # wider[column][row]: the lines one step wider; only the column that widened needs them again.
    wider = [[lines(row[n], widths[n] + step) for row in cells] for n in range(len(columns))]
    gains = [sum(wider[n]) - sum(counts[n]) for n in range(len(columns))]  # kept per column: only one changes a step
    for _ in range(max(0, round((total - sum(widths)) / step))):
        # A wider column lowers only the rows whose tallest cell it holds (the first, on a tie), at most to their next tallest.
        tallest, lowered = [], [[] for _ in columns]
        for r, row in enumerate(zip(*counts)):
            top = max(row)
            at = row.index(top)
            tallest.append(top)
            lowered[at].append((r, max(row[:at] + row[at + 1:])))
        height = sum(tallest)
        best, best_key = 0, None
        for n in range(len(columns)):  # the table's height with column n wider: what its rows lose
            saved = sum(tallest[r] - max(wider[n][r], next_tallest) for r, next_tallest in lowered[n])
            key = (round(height - saved, 6), round(gains[n], 6), n)
            if best_key is None or key < best_key:
                best, best_key = n, key
        widths[best] += step
        counts[best] = wider[best]
        wider[best] = [lines(row[best], widths[best] + step) for row in cells]
        gains[best] = sum(wider[best]) - sum(counts[best])
    return [round(w, 2) for w in widths]
