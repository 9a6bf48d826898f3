"""The history calendar as text: a column per week, a row per weekday."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from voicecoach.history.overview import calendar_weeks


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def calendar_lines(
    days: Mapping[date, object], today: date, weeks: int, *, mark: str = "■", blank: str = "·"
) -> list[str]:
    """A grid of the last weeks: one column per week, one row per weekday, `mark` on days with a
    session, `blank` on days without, nothing after today; month names above the columns."""
    columns = calendar_weeks(today, weeks)
    indent = 4
    header = [" "] * (indent + 2 * weeks + 3)
    labels = [
        (indent + 2 * w, MONTHS[col[0].month - 1])
        for w, col in enumerate(columns)
        if w > 0 and col[0].month != columns[w - 1][0].month
    ]
    if not labels or labels[0][0] >= indent + 4:
        labels.insert(0, (indent, MONTHS[columns[0][0].month - 1]))
    free_from = 0
    for at, label in labels:
        if at >= free_from:
            header[at : at + len(label)] = label
            free_from = at + len(label) + 1
    lines = ["".join(header).rstrip()]
    for d, weekday in enumerate(WEEKDAYS):
        cells = []
        for col in columns:
            day = col[d]
            cells.append(" " if day > today else (mark if day in days else blank))
        lines.append(f"{weekday} " + " ".join(cells).rstrip())
    return lines


# --- recording a run without ever stopping it ------------------------------------------------
