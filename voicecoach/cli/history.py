"""`history` and `config`: what you have done, and the defaults you chose."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from voicecoach.cli import app, echo_json
from voicecoach.cli.options import Json

if TYPE_CHECKING:
    from voicecoach.history import Overview

EMPTY = "No sessions yet. Start one with: voicecoach run"
OUTCOME_LABELS = {
    "finished": "finished",
    "quit": "quit",
    "interrupted": "interrupted",
    None: "no end recorded",
}


def _duration(seconds: float) -> str:
    """`4:05`, or `1:10:00` past an hour."""
    whole = int(round(seconds))
    if whole >= 3600:
        return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
    return f"{whole // 60}:{whole % 60:02d}"


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _marks() -> tuple[str, str]:
    """Block and dot where the terminal can show them, plain ASCII where it cannot."""
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "■·".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return "#", "."
    return "■", "·"


def _streak_line(overview: Overview) -> str:
    streak = overview.streak
    longest = f" (longest {_days(streak.longest)})" if streak.longest > streak.current else ""
    if streak.current == 0:
        last = streak.last_day.isoformat() if streak.last_day else "never"
        return f"Streak: none right now; last session {last}{longest}"
    keep = "" if streak.today_done else " - stretch today to keep it going"
    return f"Streak: {_days(streak.current)}{longest}{keep}"


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
            f"{OUTCOME_LABELS.get(s.outcome, s.outcome):<15}  {_duration(s.seconds_done):>7}  "
            f"{s.stretches_completed}/{s.total_stretches} stretches"
        )
    typer.echo("")
    typer.echo("Per routine")
    width = max(len(t.routine) for t in overview.totals)
    for t in overview.totals:
        runs = "session" if t.sessions == 1 else "sessions"
        typer.echo(
            f"  {t.routine:<{width}}  {t.sessions:>3} {runs:<8}  {t.finished:>3} finished  "
            f"{_duration(t.seconds):>8}  last {t.last_day.isoformat()}"
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
    """Show recent sessions, totals per routine, your streak of days and a calendar."""
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


# --- config ---------------------------------------------------------------------------------

config_app = typer.Typer(
    help="Your defaults for run, plan and export: voice, rate, volume, insoles, timings.",
    no_args_is_help=True,
)
app.add_typer(config_app, name="config")

KEYS_HELP = (
    "Keys: voice (a voice id, see `voicecoach voices`), rate (80-300 words per minute), "
    "volume (0-1), insoles (true/false), hold_scale (0.25-4, multiplies every hold), "
    "transition (0-120 seconds to get into position), rest (0-300 seconds between stretches)."
)
Key = Annotated[
    str, typer.Argument(help="voice, rate, volume, insoles, hold_scale, transition or rest.")
]


def _shown(key: str, value: Any) -> str:
    from voicecoach.config import DEFAULT_NOTES

    if value is None:
        return DEFAULT_NOTES.get(key, "-")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@config_app.command("path")
def config_path_command() -> None:
    """Print where the config file is (it may not exist yet)."""
    from voicecoach.config import config_path

    typer.echo(str(config_path()))


@config_app.command("show")
def config_show(json_output: Json = False) -> None:
    """Show each setting's value and where it comes from (the config file or the default)."""
    from voicecoach.config import config_path, effective, load_config

    path = config_path()
    values = effective(load_config(path))
    if json_output:
        echo_json({
            "path": str(path),
            "exists": path.exists(),
            "settings": {k: {"value": v, "source": s} for k, (v, s) in values.items()},
        })
        return
    typer.echo(f"{path}{'' if path.exists() else '  (not created yet: every value is a default)'}")
    width = max(len(k) for k in values)
    shown = {k: _shown(k, v) for k, (v, _) in values.items()}
    value_width = max(len(v) for v in shown.values())
    for key, (_, source) in values.items():
        typer.echo(f"  {key:<{width}}  {shown[key]:<{value_width}}  {source}")
    typer.echo("Command-line options override these for one run.")


@config_app.command(
    "set", help=f"Set KEY to VALUE in the config file (checked before saving). {KEYS_HELP}"
)
def config_set(
    key: Key,
    value: Annotated[str, typer.Argument(help="The new value, e.g. 150, 0.8, false.")],
) -> None:
    from voicecoach.config import config_path, load_config, parse_value, set_value
    from voicecoach.errors import ConfigError

    parsed = parse_value(key, value)
    if key == "voice":
        from voicecoach.errors import EngineError
        from voicecoach.speech import Synthesizer

        try:
            Synthesizer(voice=parsed)  # an unknown voice is refused here, not at the next run
        except EngineError:
            pass  # no engine on this machine: nothing to check the voice against
    config = set_value(key, parsed)
    typer.echo(f"{key} = {_shown(key, getattr(config, key))}  (saved in {config_path()})")
    try:
        load_config()
    except ConfigError as error:  # other lines are still wrong: say so, the change stands
        for line in str(error).splitlines():
            typer.echo(f"Warning: {line}", err=True)


@config_app.command("unset")
def config_unset(key: Key) -> None:
    """Remove KEY from the config file, so its default applies again."""
    from voicecoach.config import DEFAULTS, config_path, unset_value

    if unset_value(key):
        if key not in DEFAULTS:  # a stray key, removed to mend the file
            typer.echo(f"{key} removed from {config_path()}")
            return
        typer.echo(f"{key} removed from {config_path()}; default: {_shown(key, DEFAULTS[key])}")
    else:
        typer.echo(f"{key} was not set in {config_path()}; default: {_shown(key, DEFAULTS[key])}")
