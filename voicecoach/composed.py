"""A composed routine made real: measured by the plan, turned into a routine, written as a file
of library references, and its options kept for `compose --again`."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voicecoach import paths
from voicecoach.compose import compose
from voicecoach.composition import ComposeOptions, Composition, Measure, Pick, check_options
from voicecoach.errors import UsageError, VoicecoachError

if TYPE_CHECKING:
    from voicecoach.plan import PlanOptions
    from voicecoach.routine.library import Library, LibraryStretch
    from voicecoach.routine.model import Routine

LAST_FILE = "last-compose.json"  # in the data folder: the options `compose --again` reuses
TRANSITION_S = 5.0
REST_S = {"dynamic": 6.0, "static": 8.0, "mixed": 8.0}
WHY = {
    "after-run": "Start while you're still warm from your run: the moving stretches come first, "
    "then the holds.",
    "before-run": "Moving stretches wake up your hips and legs for the run. Save long holds "
    "for afterwards.",
}
MOMENT = {"after-run": "after a run", "before-run": "before a run", "anytime": ""}
UNFOCUSED = {
    "after-run": "Stretches after a run",
    "before-run": "A warm-up before a run",
    "anytime": "Stretches for today",
}


def _areas_text(areas: Sequence[str]) -> str:
    if len(areas) == 1:
        return areas[0]
    return f"{', '.join(areas[:-1])} and {areas[-1]}"


def title(options: ComposeOptions) -> str:
    """What the voice announces first, e.g. "Hips and hamstrings, after a run"."""
    if not options.focus:
        return UNFOCUSED[options.when]
    text = _areas_text(options.focus).capitalize()
    moment = MOMENT[options.when]
    return f"{text}, {moment}" if moment else f"{text}, composed for today"


def summary(options: ComposeOptions) -> str:
    """One line on what was asked for, so that the routine can be composed again."""
    style = f", {options.style}" if options.style else ""
    side = f", tighter side {options.tight_side}" if options.tight_side else ""
    return (
        f"Composed from the stretch library: {options.minutes} minutes for "
        f"{_areas_text(options.focus) if options.focus else 'no area in particular'}, "
        f"{options.when}, {options.place}{style}, "
        f"{options.level}{side} (seed {options.seed})."
    )


def routine_style(styles: set[str]) -> str:
    return styles.pop() if len(styles) == 1 else "mixed"


def _fields(composition: Composition, library: Library) -> dict[str, Any]:
    options = composition.options
    style = routine_style({library.get(p.id).style for p in composition.picks})
    data: dict[str, Any] = {
        "title": title(options),
        "summary": summary(options),
    }
    if options.when in WHY:
        data["why"] = WHY[options.when]
    data.update(when=options.when, style=style, transition=TRANSITION_S, rest=REST_S[style])
    return data


def overrides(pick: Pick, entry: LibraryStretch) -> dict[str, Any]:
    """The dose of a pick where it differs from the library's."""
    if pick.hold is not None and pick.hold != entry.hold:
        return {"hold": pick.hold}
    if pick.reps is not None and pick.reps != entry.reps:
        return {"reps": pick.reps}
    return {}


def routine_data(composition: Composition, library: Library, name: str) -> dict[str, Any]:
    """The routine as plain data, every stretch written out in full."""
    from voicecoach.routine.library import merged

    stretches = [
        merged(library.get(p.id), overrides(p, library.get(p.id))) for p in composition.picks
    ]
    return {"name": name, **_fields(composition, library), "stretches": stretches}


def build_routine(composition: Composition, library: Library, name: str = "composed") -> Routine:
    """The routine the composition describes."""
    from voicecoach.routine.model import Routine

    return Routine.model_validate(routine_data(composition, library, name))


def routine_text(composition: Composition, library: Library, name: str) -> str:
    """A routine file that refers to the library (`- use: ID`), for a person to read and edit."""
    import yaml

    header = (
        f"# voicecoach routine: {name}\n"
        "# Composed with:\n"
        f"#   {command_line(composition.options)}\n"
        "# Each stretch comes from the stretch library (`voicecoach stretches` lists them);\n"
        "# change a hold or reps here, swap a `use:`, or add stretches of your own.\n\n"
    )
    body = ""
    for key, value in _fields(composition, library).items():
        if key in ("summary", "why"):  # folded, as in the shipped routines
            body += f"{key}: >-\n" + "".join(f"  {line}\n" for line in textwrap.wrap(value, 94))
        else:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            body += yaml.safe_dump({key: value}, allow_unicode=True, width=1000)
    uses = ["stretches:"]
    for p in composition.picks:
        uses.append(f"  - use: {p.id}")
        for key, value in overrides(p, library.get(p.id)).items():
            uses.append(f"    {key}: {value}")
    return header + body + "\n".join(uses) + "\n"


def command_line(options: ComposeOptions) -> str:
    """The `voicecoach compose` command that gives this routine again."""
    parts = ["voicecoach compose", f"--minutes {options.minutes}"]
    parts += [f"--focus {area.replace(' ', '-')}" for area in options.focus]
    parts += [f"--when {options.when}", f"--place {options.place}"]
    if options.style:
        parts.append(f"--style {options.style}")
    parts.append(f"--level {options.level}")
    if options.tight_side:
        parts.append(f"--tight-side {options.tight_side}")
    parts.append(f"--seed {options.seed}")
    return " ".join(parts)


def plan_measure(
    options: ComposeOptions, library: Library, plan_options: PlanOptions
) -> Measure:
    """The planned length of a list of picks, speech included, as `plan` estimates it."""
    from voicecoach.plan import build_plan, estimate_speech_seconds

    spoken: dict[str, float] = {}
    planned: dict[tuple[Pick, ...], float] = {}

    def speech_seconds(text: str) -> float:
        if text not in spoken:
            spoken[text] = estimate_speech_seconds(text, plan_options.rate, plan_options.engine)
        return spoken[text]

    def measure(picks: Sequence[Pick]) -> float:
        key = tuple(picks)
        if key not in planned:  # the search often comes back to the same doses
            routine = build_routine(Composition(options, key, 0.0, 1.0), library)
            planned[key] = build_plan(routine, plan_options, speech_seconds).estimated_seconds
        return planned[key]

    return measure


def compose_routine(
    options: ComposeOptions,
    plan_options: PlanOptions | None = None,
    library: Library | None = None,
    name: str = "composed",
) -> tuple[Composition, Routine]:
    """Compose from the shipped library, timed with `plan_options` (rate, tighter side)."""
    from dataclasses import replace

    from voicecoach.plan import PlanOptions
    from voicecoach.routine.library import load_library

    options = check_options(options)
    library = library or load_library()
    plan_options = replace(plan_options or PlanOptions(), tight_side=options.tight_side)
    composition = compose(
        options, library.stretches, plan_measure(options, library, plan_options)
    )
    return composition, build_routine(composition, library, name)


def today_seed() -> str:
    """Today's local date: a new routine each day, the same one all day."""
    from datetime import date

    return date.today().isoformat()


# --- the last composition, for `compose --again` ---------------------------------------------


def last_path() -> Path:
    return paths.data_dir() / LAST_FILE


# What a composition's fit depends on besides its options: the plan's timings and speech rate.
FITTED_WITH = ("insoles", "hold", "hold_scale", "rate", "transition", "rest", "engine")


def remember(options: ComposeOptions, plan_options: PlanOptions) -> None:
    """Keep the options (with the seed used) and the timings it was fitted with, for
    `compose --again`."""
    from voicecoach.files import atomic_write

    data = dict(options.to_json(), fitted_with={k: getattr(plan_options, k) for k in FITTED_WITH})
    try:
        last_path().parent.mkdir(parents=True, exist_ok=True)
        atomic_write(last_path(), json.dumps(data, indent=2) + "\n")
    except OSError as error:
        raise VoicecoachError(f"cannot write {last_path()}: {error.strerror or error}") from None


def last_options() -> tuple[ComposeOptions, dict[str, Any] | None]:
    """The options of the last composed routine and the timings it was fitted with (None in a
    file from before they were kept), so it can be composed again as it was; UsageError if
    there is none."""
    path = last_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            "nothing composed yet, so nothing to compose again; try: "
            "voicecoach compose --minutes 10 --focus hips"
        ) from None
    except (OSError, ValueError) as error:
        raise UsageError(f"{path} cannot be read ({error}); compose a new routine") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path} is not what voicecoach wrote; compose a new routine")
    fitted = _fitted_with(data["fitted_with"]) if "fitted_with" in data else None
    if "fitted_with" in data and fitted is None:
        raise UsageError(f"{path} is not what voicecoach wrote; compose a new routine")
    return ComposeOptions.from_json(data), fitted


def _fitted_with(stored: object) -> dict[str, Any] | None:
    """The stored timings, if each is what the config file would accept (and the hold, a flag
    only, a positive number or none); else None."""
    from pydantic import ValidationError

    from voicecoach.config import Config

    if not isinstance(stored, Mapping) or set(stored) != set(FITTED_WITH):
        return None
    hold = stored["hold"]
    if hold is not None and (isinstance(hold, bool) or not isinstance(hold, (int, float))
                             or not hold > 0):
        return None
    try:
        Config.model_validate({k: v for k, v in stored.items() if k != "hold"})
    except ValidationError:
        return None
    return dict(stored)
