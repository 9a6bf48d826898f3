"""`compose`: a fresh routine from the stretch library, by time, focus, moment and place."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from voicecoach.cli.options import (
    Side,
    SpeechFlags,
    TightSide,
    own_default,
    speech_options_of,
)
from voicecoach.cli.root import app
from voicecoach.errors import UsageError

if TYPE_CHECKING:
    from voicecoach.composition import ComposeOptions, Composition


def _words(name: str, *words: str) -> Any:
    """A choice type for an option that takes one of `words`."""
    return Enum(name, {word.upper().replace("-", "_"): word for word in words}, type=str)


When = _words("When", "after-run", "before-run", "anytime")
Place = _words("Place", "standing", "chair", "floor")
Style = _words("Style", "static", "dynamic", "mixed")
Level = _words("Level", "gentle", "moderate")
# What each choice option's words mean, and what it is when not given.
_CHOICE_HELP = {
    "when": "after-run: moving stretches first, while warm; before-run: moving stretches only. "
    "[default: anytime]",
    "place": "standing: on your feet only; chair: standing and on a chair, no floor work; "
    "floor: anything. [default: floor]",
    "style": "static (holds), dynamic (moving) or mixed. [default: dynamic before a run, "
    "else mixed]",
    "level": "gentle: holds of 20-40 s, 8-12 reps; moderate: holds of 20-60 s, 10-15 reps. "
    "[default: moderate]",
}


def _choice(name: str) -> Any:
    """The option `--name`, one of its words or nothing, with its help from `_CHOICE_HELP`."""
    return own_default(f"--{name}", help=_CHOICE_HELP[name])


HELP = """Compose a fresh routine from the stretch library, by time, focus, moment and place.

The same options and seed give the same routine; without --seed the seed is today's date,
so each day brings a new routine and a rerun on the same day gives the same one. It is
printed as `show` prints a routine; --run, --export or --save do the rest. The length asked
for includes the speech, within 10 %, or the command says why it cannot be done.

Examples:
  voicecoach compose --minutes 10 --focus hips --when after-run
  voicecoach compose --minutes 15 --focus hamstrings --focus lower-back --place chair
  voicecoach compose --minutes 8 --when before-run --run
  voicecoach compose --minutes 20 --focus hips,glutes --level gentle --save my-hips
  voicecoach compose --again --export today.wav
"""


def _focus(values: list[str] | None) -> tuple[str, ...]:
    """`--focus hips --focus lower-back` and `--focus hips,lower-back` alike."""
    from voicecoach.composition import normalise_area

    areas = [part for value in values or [] for part in value.split(",") if part.strip()]
    return tuple(dict.fromkeys(normalise_area(a) for a in areas))


def _options(
    *, again: bool, minutes: int | None, focus: list[str] | None, when: When | None,
    place: Place | None, style: Style | None, level: Level | None, tight_side: Side | None,
    seed: str | None,
) -> ComposeOptions | None:
    """The options asked for; None for --again (the last composed routine's)."""
    from voicecoach.composition import ComposeOptions, check_options
    from voicecoach.composed import today_seed

    given = [
        flag for flag, value in (
            ("--minutes", minutes), ("--focus", focus), ("--when", when), ("--place", place),
            ("--style", style), ("--level", level), ("--tight-side", tight_side), ("--seed", seed),
        ) if value
    ]
    if again:
        if given:
            raise UsageError(
                f"--again rebuilds the last composed routine as it was; leave out {given[0]} "
                "(or compose a new one without --again)"
            )
        return None
    if minutes is None:
        raise UsageError(
            "say how long: --minutes N (3 to 60), e.g. voicecoach compose --minutes 10 "
            "--focus hips; or --again for the last composed routine"
        )
    return check_options(ComposeOptions(
        minutes=minutes,
        focus=_focus(focus),
        when=when.value if when else "anytime",
        place=place.value if place else "floor",
        style=style.value if style else None,
        level=level.value if level else "moderate",
        tight_side=tight_side.value if tight_side else None,
        seed=seed if seed else today_seed(),
    ))


def _save(composition: Composition, name: str) -> Path:
    from voicecoach import authoring, paths
    from voicecoach.catalog import SUFFIXES
    from voicecoach.composed import routine_text
    from voicecoach.errors import VoicecoachError
    from voicecoach.routine.library import load_library

    authoring.check_new_name(name)
    folder = paths.user_routines_dir()
    for suffix in SUFFIXES:
        if (folder / f"{name}{suffix}").exists():
            raise UsageError(
                f"{folder / (name + suffix)} already exists; pick another name, or delete it"
            )
    path = folder / f"{name}.yaml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(routine_text(composition, load_library(), name))
    except FileExistsError:
        raise UsageError(f"{path} already exists; pick another name, or delete it") from None
    except OSError as error:
        raise VoicecoachError(f"cannot write {path}: {error.strerror or error}") from None
    return path


@app.command(help=HELP)
@speech_options_of("insoles", "engine", "voice", "rate", "volume", "no_cache")
def compose(
    minutes: Annotated[
        int | None,
        own_default("--minutes", "-m", min=3, max=60, metavar="N",
                    help="How long, speech included: 3 to 60 minutes."),
    ] = None,
    focus: Annotated[
        list[str] | None,
        own_default("--focus", "-f", metavar="AREA",
                    help="An area to work (repeat it, or separate areas with commas): hips, "
                    "glutes, outer-hip, adductors, hip-flexors, quads, hamstrings, calves, "
                    "lower-back, core, trunk. [default: hips, hamstrings, lower back]"),
    ] = None,
    when: Annotated[When | None, _choice("when")] = None,
    place: Annotated[Place | None, _choice("place")] = None,
    style: Annotated[Style | None, _choice("style")] = None,
    level: Annotated[Level | None, _choice("level")] = None,
    tight_side: TightSide = None,
    seed: Annotated[
        str | None,
        own_default("--seed", metavar="TEXT", help="Any word or number: the same seed and "
                    "options give the same routine. [default: today's date]"),
    ] = None,
    again: Annotated[
        bool, typer.Option("--again", help="Rebuild the last composed routine, as it was.")
    ] = False,
    run: Annotated[bool, typer.Option("--run", help="Then speak it (as `run` does).")] = False,
    text: Annotated[
        bool, typer.Option("--text", help="With --run: print the cues instead of speaking.")
    ] = False,
    export: Annotated[
        Path | None,
        typer.Option("--export", metavar="FILE", dir_okay=False,
                     help="Then write it as one audio file, as `export` does: .wav, .mp3, "
                     ".m4a or .opus."),
    ] = None,
    save: Annotated[
        str | None,
        typer.Option("--save", metavar="NAME", help="Then keep it in your routines folder as "
                     "NAME.yaml, a routine file you can edit and run by name."),
    ] = None,
    flags: SpeechFlags = SpeechFlags(),
) -> None:
    from voicecoach.cli.routines import print_routine
    from voicecoach.composed import compose_routine, last_options, remember

    if text and not run:
        raise UsageError("--text goes with --run")
    if run and export is not None:
        raise UsageError("give --run or --export, not both: compose again with --again")
    if export is not None:
        from voicecoach.export import check_target

        export_format = check_target(export).name  # before any work: a wrong name fails
    options = _options(
        again=again, minutes=minutes, focus=focus, when=when, place=place, style=style,
        level=level, tight_side=tight_side, seed=seed,
    )
    fitted = None
    if options is None:
        options, fitted = last_options()
    flags = replace(flags, tight_side=Side(options.tight_side) if options.tight_side else None)
    plan_options = flags.settings().options  # the config's rate and timings are in the length
    # --again: composed with the timings it was first fitted with, so it comes out as it was;
    # it is still shown and spoken with today's.
    fit = replace(plan_options, **fitted) if fitted else plan_options
    composition, routine = compose_routine(options, fit)
    remember(options, fit)
    print_routine(routine, plan_options)
    for note in composition.notes:
        typer.echo(f"Note: {note}.")
    if save is not None:
        path = _save(composition, save)
        typer.echo(f"Saved as {path}: run it with `voicecoach run {save}`.")
    if run:
        from voicecoach.cli.run import play_routine

        typer.echo("")
        play_routine(lambda: (routine, options.to_json()), text=text, flags=flags)
    elif export is not None:
        from voicecoach.cli.export import export_to

        export_to(routine, export, flags, fmt=export_format)
    elif save is None:
        typer.echo(
            "Speak it: voicecoach compose --again --run   "
            "Keep it: voicecoach compose --again --save NAME"
        )
