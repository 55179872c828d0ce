"""The small-cell rule for anything that leaves the office (the council PDF, the public
sociolinguistic report).

Rule: in a table that splits women or cases by community, people, language or disability,
every count from 1 to 4 — totals included, the grand total excepted — is shown as "< 5"
(primary suppression). Then, so that a total cannot give it back, every row and column
(its total counted as one of its cells) that has exactly one hidden cell gets a second
one hidden: its smallest other non-zero cell, shown as "*" (complementary suppression);
repeated until no row or column has a single hidden cell. Zeros stay (they reveal no one).
The staff-only spreadsheet keeps exact counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

THRESHOLD = 5
SMALL = "< 5"
HIDDEN = "*"


@dataclass(frozen=True)
class Grid:
    """A table with row and column totals, every cell as it may be published."""

    rows: list[str]
    columns: list[str]
    cells: list[list[str]]  # len(rows)+1 lines (last: totals) of len(columns)+1 (last: total)


def protect(rows: Sequence[str], columns: Sequence[str], counts: Sequence[Sequence[int]]) -> Grid:
    """Apply the rule to `counts` (rows × columns) with its margins."""
    n_rows, n_cols = len(rows), len(columns)
    full = [[*list(line), sum(line)] for line in counts]
    full.append([sum(full[r][c] for r in range(n_rows)) for c in range(n_cols + 1)])
    grand = (n_rows, n_cols)
    hidden: dict[tuple[int, int], str] = {}
    for r in range(n_rows + 1):
        for c in range(n_cols + 1):
            if (r, c) != grand and 0 < full[r][c] < THRESHOLD:
                hidden[(r, c)] = SMALL
    lines = [[(r, c) for c in range(n_cols + 1)] for r in range(n_rows + 1)]
    lines += [[(r, c) for r in range(n_rows + 1)] for c in range(n_cols + 1)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for cell in line if cell in hidden) != 1:
                continue
            candidates = [
                cell
                for cell in line
                if cell not in hidden and cell != grand and full[cell[0]][cell[1]] > 0
            ]
            if not candidates:
                continue
            pick = min(candidates, key=lambda cell: (full[cell[0]][cell[1]], cell))
            hidden[pick] = HIDDEN
            changed = True
    cells = [
        [hidden.get((r, c), str(full[r][c])) for c in range(n_cols + 1)] for r in range(n_rows + 1)
    ]
    return Grid(list(rows), list(columns), cells)


def protect_list(labels: Sequence[str], counts: Sequence[int]) -> Grid:
    """A one-column table (e.g. by community) with its total."""
    return protect(labels, [""], [[n] for n in counts])
