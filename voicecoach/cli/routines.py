"""`list`, `show` and `plan`: looking at routines without speaking them."""

from __future__ import annotations

import typer

from voicecoach.cli.options import Hold, Insoles, Json, Name, Rate, TightSide
from voicecoach.cli.root import app, echo_json
from voicecoach.text import printable
from voicecoach.timefmt import duration, precise


@app.command("list")
def list_routines(json_output: Json = False) -> None:
    """List every routine: name, title, length, when to do it, targets."""
    from voicecoach import listing

    rows = listing.summaries()
    for warning in listing.clash_warnings():
        typer.echo(printable(warning), err=True)
    if json_output:
        echo_json(rows)
        return
    if not rows:
        typer.echo("No routines found.")
        return
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        mark = "" if r["builtin"] else "  (yours)"
        if r.get("error"):
            typer.echo(f"{r['name']:<{width}}  cannot be loaded: {r['error']}{mark}")
            continue
        typer.echo(
            f"{r['name']:<{width}}  {duration(r['seconds']):>5}  {r['when']:<10}  "
            f"{r['title']}{mark}"
        )
        typer.echo(f"{'':<{width}}  targets: {', '.join(r['targets'])}")


@app.command()
def show(name: Name) -> None:
    """Show a routine's stretches, targets, sides and timings."""
    from voicecoach import catalog
    from voicecoach.plan import build_plan

    routine = catalog.load(name)
    plan = build_plan(routine)
    typer.echo(f"{routine.title}  ({routine.name})")
    if routine.summary:
        typer.echo(routine.summary)
    typer.echo(
        f"when: {routine.when}   style: {routine.style}   "
        f"transition: {routine.transition:g} s   rest: {routine.rest:g} s"
    )
    if routine.equipment:
        typer.echo(f"you need: {', '.join(routine.equipment)}")
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
        typer.echo(f"{i:>2}. {s.name} — {work}, {sides}{where}{own}")
        typer.echo(f"    targets: {', '.join(s.targets)}")
    typer.echo("")
    typer.echo(f"Total: about {duration(plan.estimated_seconds)}")


@app.command()
def plan(
    name: Name,
    json_output: Json = False,
    insoles: Insoles = None,
    hold: Hold = None,
    rate: Rate = None,
    tight_side: TightSide = None,
) -> None:
    """Print the exact timed script the voice will follow (your config file's defaults apply)."""
    from voicecoach import catalog
    from voicecoach.plan import build_plan
    from voicecoach.session import load_settings

    settings = load_settings(
        insoles=insoles, hold=hold, rate=rate, tight_side=tight_side.value if tight_side else None
    )
    routine = catalog.load(name)
    script = build_plan(routine, settings.options)
    if json_output:
        echo_json(script.to_json())
        return
    about = duration(script.estimated_seconds)
    typer.echo(f"{script.title}: {len(script.says)} cues, about {about}")
    for event in script.events:
        if event.kind == "say":
            typer.echo(f"{precise(event.at):>8}  say    {event.text}")
        else:
            typer.echo(f"{precise(event.at):>8}  pause  {event.seconds:g} s ({event.role})")
    typer.echo(f"{precise(script.estimated_seconds):>8}  end")
