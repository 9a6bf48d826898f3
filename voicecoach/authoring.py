"""Writing your own routines: a starter file to edit, and checking files before they are run."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicecoach import catalog, paths
from voicecoach.errors import Problem, RoutineError, UsageError, VoicecoachError
from voicecoach.text import printable
from voicecoach.timefmt import duration, plural

STARTER = """\
# yaml-language-server: $schema=./{schema_file}
# A voicecoach routine of your own. Edit it, then check it and hear it:
#
#   voicecoach validate {name}      every problem, with its line
#   voicecoach plan {name}          the timed script, printed at once
#   voicecoach run {name}           the voice talks you through it
#
# Times are in seconds. Every field is described in `voicecoach schema`; the
# first line above lets an editor that knows YAML schemas complete and check it.
# Limits: 1 to {max_stretches} stretches, a hold of 5 to {max_hold} seconds, at most
# {max_hours} hours in all. The routine is run by its file name ({name}).

title: {title}          # what the voice announces first
summary: >-             # optional: shown by `voicecoach show`
  Loosen the hips with leg swings, then hold stretches for the hip flexors and inner thighs.
why: >-                 # optional: spoken after the introduction
  Hips that move freely may ease your lower back over time.
when: anytime           # after-run, before-run or anytime
style: mixed            # dynamic, static, yoga or mixed
transition: 5           # seconds to get into position before each hold or set
rest: 10                # seconds of rest between stretches

stretches:
  # A stretch from the library (`voicecoach stretches` lists them), used as it is
  # or with some fields overridden, here its number of reps.
  - use: leg-swings-forward
    reps: 10

  # Your own stretch, written out. Speak it for the ear: one action per sentence,
  # then where it should be felt. In a two-sided stretch, {{side}} and {{other side}}
  # become "left" and "right" for each side.
  - name: Kneeling hip flexor stretch
    targets: [hip flexors, quads]
    sides: each         # each: left side, "switch sides", right side; none: once
    position: kneeling  # standing, chair, kneeling, seated or lying
    equipment: [mat, cushion]   # named once in the introduction
    hold: 30            # seconds; or `reps` (and `tempo`) for a moving stretch
    instructions: >-
      Kneel on your {{side}} knee, on a cushion.
      Put your {{other side}} foot flat on the floor in front of you.
      Tuck your hips under, and shift your weight forward.
      You should feel this at the front of your {{side}} hip.
    easier: If kneeling hurts, do it standing, with your {{side}} foot a stride back.
    safety: Ease off if the front of the hip pinches.
    cues:               # optional: short form cues spoken during the hold
      - Squeeze your {{side}} glute.

  # A stretch done once, held for `hold` seconds. Give `hold` or `reps`, not both.
  - name: Butterfly stretch
    targets: [adductors]
    position: seated
    equipment: [mat]
    hold: 30
    instructions: >-
      Sit with the soles of your feet together.
      Let your knees fall out to the sides.
      Sit tall, then lean forward a little from your hips.
      You should feel this along your inner thighs.
    safety: Don't push or bounce your knees down.
"""


def starter_text(name: str) -> str:
    """A commented starter routine called `name`, ready to load and edit."""
    from voicecoach import routine, schema

    return STARTER.format(
        name=name,
        title=json.dumps(name.replace("-", " ").capitalize()),  # quoted: "2024" stays text
        schema_file=schema.FILENAME,
        max_stretches=routine.MAX_STRETCHES,
        max_hold=f"{routine.MAX_HOLD_SECONDS:g}",
        max_hours=routine.MAX_ROUTINE_SECONDS // 3600,
    )


def check_new_name(name: str) -> None:
    """Refuse a NAME that is not a slug or that a built-in routine already uses."""
    from voicecoach.routine.names import SLUG_RULE, is_slug, slug

    if not is_slug(name):
        raise UsageError(f"{name!r} cannot name a routine: {SLUG_RULE}, e.g. {slug(name)}")
    for entry in catalog.entries():
        if entry.name == name and entry.builtin:
            raise UsageError(
                f"a built-in routine is already called {name!r}; pick another name so "
                f"`voicecoach run {name}` stays unambiguous"
            )


def create_routine(name: str) -> Path:
    """Write a starter routine NAME into the user's routines folder; never overwrites a file."""
    from voicecoach import schema

    check_new_name(name)
    folder = paths.user_routines_dir()
    for suffix in catalog.SUFFIXES:
        existing = folder / f"{name}{suffix}"
        if existing.exists():
            raise UsageError(f"{existing} already exists; edit it, or pick another name")
    path = folder / f"{name}.yaml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(starter_text(name))
        # Kept current beside the routines, for the editor line at the top of each starter.
        (folder / schema.FILENAME).write_text(schema.schema_text(), encoding="utf-8")
    except FileExistsError:
        raise UsageError(f"{path} already exists; edit it, or pick another name") from None
    except OSError as error:
        raise VoicecoachError(f"cannot write {path}: {error.strerror or error}") from None
    return path


@dataclass(frozen=True)
class Report:
    """What `validate` found in one file."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    stretches: int = 0
    seconds: float = 0.0

    @property
    def valid(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """`file:line:column: field: message` for each problem, or one `ok` line."""
        if self.valid:
            stretches = plural(self.stretches, "stretch")
            ok = f"{self.source}: ok ({stretches}, about {duration(self.seconds)})"
            return [printable(ok)]
        return [problem.format(self.source) for problem in self.problems]

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.source,
            "valid": self.valid,
            "problems": [
                {"line": p.line, "column": p.column, "field": p.field, "message": p.message}
                for p in self.problems
            ],
        }


def _path_for(argument: str) -> Path:
    """A file path as given; or, for a bare name that is no file, the routine of that name."""
    path = Path(argument)
    if catalog.looks_like_path(argument) or catalog.exists(path):
        return path
    if any(entry.name == argument for entry in catalog.entries()):
        return catalog.resolve(argument)
    return path


def validate_file(argument: str) -> Report:
    """Check one routine file (or routine name): every problem found, or its size."""
    from voicecoach.plan import build_plan
    from voicecoach.routine import load_routine

    try:
        path = _path_for(argument)
        routine = load_routine(path)
    except RoutineError as error:
        return Report(error.source, error.problems)
    return Report(str(path), [], len(routine.stretches), build_plan(routine).estimated_seconds)
