"""`history`: what you have done: recent sessions, totals, your streak and a calendar."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from voicecoach.cli.root import Json, app, echo_json
from voicecoach.outcome import FINISHED, INTERRUPTED, QUITTED, SKIPPED
from voicecoach.timefmt import duration, noun_for, plural

if TYPE_CHECKING:
    from voicecoach.history import Overview

EMPTY = "No sessions yet. Start one with: voicecoach run"
OUTCOME_LABELS = {
    FINISHED: "finished",
    QUITTED: "quit",
    INTERRUPTED: "interrupted",
    SKIPPED: "skipped ahead",
    None: "no end recorded",
}


def _marks() -> tuple[str, str]:
    """Block and dot where the terminal can show them, plain ASCII where it cannot."""
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "■·".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return "#", "."
    return "■", "·"


def composed_text(options: dict[str, Any]) -> str:
    """The options that composed a routine, as `compose` takes them (unknown keys left out)."""
    parts = []
    if "minutes" in options:
        parts.append(f"--minutes {options['minutes']}")
    for area in options.get("focus") or []:
        parts.append(f"--focus {str(area).replace(' ', '-')}")
    for key in ("when", "place", "style", "level", "tight_side", "seed"):
        if options.get(key) is not None:
            parts.append(f"--{key.replace('_', '-')} {options[key]}")
    return " ".join(parts)


def _streak_line(overview: Overview) -> str:
    streak = overview.streak
    longest = ""
    if streak.longest > streak.current:
        longest = f" (longest {plural(streak.longest, 'day')})"
    if streak.current == 0:
        last = streak.last_day.isoformat() if streak.last_day else "never"
        return f"Streak: none right now; last session {last}{longest}"
    keep = "" if streak.today_done else " - stretch today to keep it going"
    return f"Streak: {plural(streak.current, 'day')}{longest}{keep}"


def _print_overview(overview: Overview) -> None:
    from voicecoach.cli.calendar import calendar_lines

    mark, blank = _marks()
    typer.echo(_streak_line(overview))
    typer.echo("")
    typer.echo(f"Last {overview.weeks} weeks")
    for line in calendar_lines(
        overview.days, overview.today, overview.weeks, mark=mark, blank=blank
    ):
        typer.echo(line)
    typer.echo(f"    {mark} a day with a session   {blank} none")
    typer.echo("")
    shown = len(overview.recent)
    typer.echo(
        "Recent sessions"
        if shown == overview.sessions
        else f"Recent sessions ({shown} of {overview.sessions})"
    )
    width = max(len(s.routine) for s in overview.recent)
    for s in overview.recent:
        typer.echo(
            f"  {s.started_at:%Y-%m-%d %H:%M}  {s.routine:<{width}}  "
            f"{OUTCOME_LABELS.get(s.outcome, s.outcome):<15}  {duration(s.seconds_done):>7}  "
            f"{s.stretches_completed}/{s.total_stretches} stretches"
        )
        if s.composed:
            typer.echo(f"  {'':<16}  composed: {composed_text(s.composed)}")
    typer.echo("")
    typer.echo("Per routine")
    width = max(len(t.routine) for t in overview.totals)
    for t in overview.totals:
        runs = noun_for(t.sessions, "session")
        typer.echo(
            f"  {t.routine:<{width}}  {t.sessions:>3} {runs:<8}  {t.finished:>3} finished  "
            f"{duration(t.seconds):>8}  last {t.last_day.isoformat()}"
        )


@app.command()
def history(
    json_output: Json = False,
    weeks: Annotated[
        int,
        typer.Option("--weeks", min=1, max=53, metavar="N", help="Weeks shown in the calendar."),
    ] = 12,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, metavar="N", help="Recent sessions listed.")
    ] = 10,
) -> None:
    """Show recent sessions, totals per routine, your streak of days and a calendar.

    Examples:
      voicecoach history
      voicecoach history --weeks 26 --limit 20
      voicecoach history --json
    """
    from voicecoach.history import Overview, history_path, local_now, open_history, streak_of

    if history_path().exists():
        with open_history() as store:
            overview = store.overview(weeks=weeks, limit=limit)
    else:  # nothing recorded yet: no need to create the file just to say so
        today = local_now().date()
        overview = Overview(today, weeks, 0, [], [], streak_of([], today), {})
    if json_output:
        echo_json(overview.to_json())
    elif overview.sessions == 0:
        typer.echo(EMPTY)
    else:
        _print_overview(overview)
