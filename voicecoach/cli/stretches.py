"""`stretches`: the stretch library that routines pick from by id."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from voicecoach.cli.root import Json, app, echo_json

if TYPE_CHECKING:
    from voicecoach.routine.library import LibraryStretch

StretchId = Annotated[
    str | None,
    typer.Argument(metavar="[ID]", help="Show this one stretch in full, e.g. butterfly."),
]


def _dose(stretch: LibraryStretch) -> str:
    if stretch.hold is not None:
        work = f"hold {stretch.hold:g} s"
    else:
        count = "each side" if stretch.alternating else "reps"
        work = f"{stretch.reps} {count}, {stretch.beat:g} s each"
    return work + (", each side" if stretch.sides == "each" else "")


def _row(stretch_id: str, stretch: LibraryStretch) -> dict[str, Any]:
    return {"id": stretch_id, **stretch.model_dump(mode="json")}


@app.command()
def stretches(stretch_id: StretchId = None, json_output: Json = False) -> None:
    """List the stretch library: each stretch's id, position, dose, targets and equipment.

    A routine uses one with `- use: ID`, overriding any field (e.g. `hold: 45`).

    Examples:

      voicecoach stretches

      voicecoach stretches pigeon

      voicecoach stretches --json
    """
    from voicecoach.errors import UsageError
    from voicecoach.routine.library import load_library

    library = load_library()
    if stretch_id is not None:
        if stretch_id not in library.stretches:
            close = library.suggest(stretch_id)
            hint = f" (did you mean {close}?)" if close else ""
            raise UsageError(f"no stretch {stretch_id!r} in the library{hint}")
        _show(stretch_id, library.get(stretch_id), json_output)
        return
    if json_output:
        echo_json([_row(i, s) for i, s in library.stretches.items()])
        return
    width = max(len(i) for i in library.ids)
    for stretch_id, stretch in library.stretches.items():
        typer.echo(
            f"{stretch_id:<{width}}  {stretch.position:<8}  {_dose(stretch):<30}  {stretch.name}"
        )
        needs = f"; needs {', '.join(stretch.equipment)}" if stretch.equipment else ""
        typer.echo(f"{'':<{width}}  targets: {', '.join(stretch.targets)}{needs}")
    typer.echo(f"\n{len(library.ids)} stretches. A routine uses one with `- use: ID`.")


def _show(stretch_id: str, stretch: LibraryStretch, json_output: bool) -> None:
    if json_output:
        echo_json(_row(stretch_id, stretch))
        return
    typer.echo(f"{stretch.name}  ({stretch_id})")
    typer.echo(
        f"{stretch.style}, {stretch.position}, {_dose(stretch)}"
        + (", gentle" if stretch.gentle else "")
    )
    typer.echo(f"targets: {', '.join(stretch.targets)}")
    typer.echo(f"needs: {', '.join(stretch.equipment) or 'nothing'}")
    typer.echo(f"suits: {', '.join(stretch.moments)}")
    typer.echo("")
    typer.echo(stretch.instructions)
    if stretch.easier:
        typer.echo(f"Easier: {stretch.easier}")
    if stretch.safety:
        typer.echo(f"Safety: {stretch.safety}")
    for cue in stretch.cues:
        typer.echo(f"Cue: {cue}")
