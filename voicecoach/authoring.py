"""Writing your own routines: a starter file to edit, and checking files before they are run."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from voicecoach import catalog, paths
from voicecoach.errors import Problem, RoutineError, UsageError, VoicecoachError
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
  Loosen the hips with leg swings, then hold a stretch for the inner thighs.
when: anytime           # after-run, before-run or anytime
style: mixed            # dynamic, static, yoga or mixed
transition: 5           # seconds to get into position before each hold or set
rest: 10                # seconds of rest between stretches

stretches:
  # A dynamic stretch: `reps` counted aloud, one every `tempo` seconds.
  - name: Leg swings
    targets: [hip flexors, hamstrings, glutes]
    sides: each         # each: left side, "switch sides", right side; none: once
    reps: 10
    tempo: 2
    instructions: >-
      Stand side on to a wall and rest one hand on it.
      Swing the outside leg forward and back like a pendulum.
    safety: Let the swing grow bit by bit; never force it.

  # A static stretch: held for `hold` seconds. Give `hold` or `reps`, not both.
  - name: Butterfly stretch
    targets: [adductors]
    hold: 30
    instructions: >-
      Sit with the soles of your feet together and let your knees fall out to the sides.
      Sit tall and lean forward a little from the hips.
    safety: Don't push or bounce your knees down.
    cues:               # optional: short form cues spoken during the hold
      - Let your knees grow heavy.
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
    from voicecoach.routine import SLUG_PATTERN, slug

    if not re.match(SLUG_PATTERN, name):
        raise UsageError(
            f"{name!r} cannot name a routine: use lower-case letters, digits and dashes "
            f"(at most 60), e.g. {slug(name)}"
        )
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
            return [f"{self.source}: ok ({stretches}, about {duration(self.seconds)})"]
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
    if path.exists() or catalog.looks_like_path(argument):
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
