"""`show` and `plan`: looking at one routine without speaking it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from voicecoach.cli.layout import echo_lines, terminal_width, wrap
from voicecoach.cli.options import (
    EngineName,
    Hold,
    Insoles,
    Name,
    Rate,
    TightSide,
    checked_engine,
    idle_hold,
)
from voicecoach.cli.root import Json, app, echo_json
from voicecoach.timefmt import duration, precise

if TYPE_CHECKING:
    from voicecoach.plan import PlanOptions
    from voicecoach.routine.model import Routine

All = Annotated[
    bool, typer.Option("--all", help="Show the short gaps between lines too.")
]


@app.command()
def show(name: Name) -> None:
    """Show a routine's stretches, targets, sides and timings.

    Examples:
      voicecoach show busy-day
      voicecoach show ./my-routine.yaml
    """
    from voicecoach import catalog

    print_routine(catalog.load(name))


def print_routine(routine: Routine, options: PlanOptions | None = None) -> None:
    """A routine's stretches, targets, sides and timings, and its planned length."""
    from voicecoach.plan import PlanOptions, build_plan

    plan = build_plan(routine, options or PlanOptions())
    columns = terminal_width()
    echo_lines(wrap(f"{routine.title}  ({routine.name})", columns))
    if routine.summary:
        echo_lines(wrap(routine.summary, columns))
    echo_lines(wrap(
        f"when: {routine.when}   style: {routine.style}   "
        f"transition: {routine.transition:g} s   rest: {routine.rest:g} s", columns, indent=2,
    ))
    if routine.equipment:
        echo_lines(wrap(", ".join(routine.equipment), columns, "you need: "))
    typer.echo("")
    for i, s in enumerate(routine.stretches, 1):
        if s.hold is not None:
            work = f"hold {s.hold:g} s"
        else:
            work = f"{s.reps} reps every {s.beat:g} s"
        sides = "each side" if s.sides == "each" else "once"
        own = ""
        if s.transition is not None and s.transition != routine.transition:
            own = f", {s.transition:g} s to get into position"
        where = f", {s.position}" if s.position else ""
        echo_lines(wrap(f"{s.name} — {work}, {sides}{where}{own}", columns, f"{i:>2}. "))
        echo_lines(wrap(", ".join(s.targets), columns, "    targets: "))
    typer.echo("")
    typer.echo(f"Total: about {duration(plan.estimated_seconds)}")


@app.command()
def plan(
    name: Name,
    json_output: Json = False,
    insoles: Insoles = None,
    hold: Hold = None,
    rate: Rate = None,
    engine: EngineName = None,
    tight_side: TightSide = None,
    show_all: All = False,
) -> None:
    """Print the exact timed script the voice will follow (your config file's defaults apply).

    Line lengths are estimated for the engine that will speak; `run` and `export` time the
    script from the rendered lines. Times and pauses are in tenths of a second; the short gap
    between two lines is left out unless --all is given.

    Examples:
      voicecoach plan busy-day
      voicecoach plan post-run-hips --hold 45 --rate 140
      voicecoach plan busy-day --all
      voicecoach plan busy-day --json
    """
    from voicecoach import catalog
    from voicecoach.plan import build_plan
    from voicecoach.session import load_settings

    settings = load_settings(
        insoles=insoles, hold=hold, rate=rate, tight_side=tight_side.value if tight_side else None,
        engine=checked_engine(engine),
    )
    routine = catalog.load(name)
    for note in idle_hold(routine, hold):
        typer.echo(note, err=True)
    script = build_plan(routine, settings.options)
    if json_output:
        echo_json(script.to_json())
        return
    from voicecoach.plan import Role

    about = duration(script.estimated_seconds)
    columns = terminal_width()
    echo_lines(wrap(f"{script.title}: {len(script.says)} cues, about {about}", columns, indent=2))
    for event in script.events:
        if event.kind == "say":
            echo_lines(wrap(event.text, columns, f"{precise(event.at):>8}  say    "))
        elif show_all or event.role != Role.GAP:  # the breath between two lines
            typer.echo(f"{precise(event.at):>8}  pause  {event.seconds:.1f} s ({event.role})")
    typer.echo(f"{precise(script.estimated_seconds):>8}  end")
