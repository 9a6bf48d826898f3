"""The routine model: a strict, frozen pydantic model and the limits it enforces."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from voicecoach.routine.names import SLUG_PATTERN

MAX_FILE_BYTES = 1024 * 1024
MAX_STRETCHES = 50
MAX_HOLD_SECONDS = 600.0
MAX_ROUTINE_SECONDS = 2 * 60 * 60
MAX_LINE_CHARS = 100
MAX_TEXT_CHARS = 1000
MAX_SUMMARY_CHARS = 500
DEFAULT_TEMPO = 2.0
EITHER_HOLD_OR_REPS = "give either `hold` (seconds) or `reps`, exactly one of them"
TEMPO_ONLY_WITH_REPS = "`tempo` only goes with `reps`"


def _whole_number(value: Any) -> Any:
    """10.0 reps is 10 reps: JSON Schema calls it an integer too, so the loader agrees."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Slug = Annotated[str, Field(strict=True, pattern=SLUG_PATTERN)]
Line = Annotated[
    str, Field(strict=True, min_length=1, max_length=MAX_LINE_CHARS, pattern=r"\S")
]
Text = Annotated[
    str, Field(strict=True, min_length=1, max_length=MAX_TEXT_CHARS, pattern=r"\S")
]
Seconds = Annotated[float, Field(strict=True, allow_inf_nan=False)]


def _present(field: str, kind: str) -> dict[str, Any]:
    """JSON Schema for: `field` is given and is not null."""
    return {"required": [field], "properties": {field: {"type": kind}}}


# The loader's "exactly one of hold and reps; tempo only with reps", said in JSON Schema.
_HOLD_OR_REPS = {
    "oneOf": [
        {
            **_present("hold", "number"),
            "not": {"anyOf": [_present("reps", "integer"), _present("tempo", "number")]},
        },
        {**_present("reps", "integer"), "not": _present("hold", "number")},
    ]
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Stretch(_Strict):
    """One stretch: what to say about it and how long it lasts. Give `hold` or `reps`, not both."""

    model_config = ConfigDict(json_schema_extra=_HOLD_OR_REPS)

    name: Line = Field(description="What the voice calls the stretch, e.g. Butterfly stretch.")
    targets: list[Line] = Field(
        min_length=1, max_length=10,
        description="The muscles it works (1 to 10), e.g. glutes, adductors, hip flexors.",
    )
    instructions: Text = Field(
        description="How to get into it, in plain spoken English; read aloud once."
    )
    safety: Text | None = Field(
        default=None,
        description="A safety cue spoken after the instructions "
        "(default: ease off straight away on any sharp pain).",
    )
    sides: Literal["each", "none"] = Field(
        default="none",
        description="`each`: left side, then switch sides, then right side with the same "
        "hold; `none`: done once.",
    )
    hold: Annotated[Seconds, Field(ge=5, le=MAX_HOLD_SECONDS)] | None = Field(
        default=None,
        description="Seconds to hold a static stretch (5 to 600). Give `hold` or `reps`.",
    )
    # The validator comes last so that it runs first and the limits still reach the schema.
    reps: Annotated[
        int, Field(strict=True, ge=1, le=100), BeforeValidator(_whole_number)
    ] | None = Field(
        default=None,
        description="Repetitions counted aloud for a dynamic stretch (1 to 100). "
        "Give `hold` or `reps`.",
    )
    tempo: Annotated[Seconds, Field(ge=0.8, le=10)] | None = Field(
        default=None,
        description=f"Seconds per repetition (0.8 to 10, default {DEFAULT_TEMPO:g}); "
        "only with `reps`.",
    )
    cues: list[Line] = Field(
        default_factory=list, max_length=10,
        description="Up to 10 short form cues, spoken during the hold (or before the reps).",
    )
    transition: Annotated[Seconds, Field(ge=0, le=120)] | None = Field(
        default=None,
        description="Seconds to get into position for this stretch (0 to 120; "
        "default: the routine's `transition`).",
    )

    @model_validator(mode="after")
    def _hold_or_reps(self) -> Stretch:
        if (self.hold is None) == (self.reps is None):
            raise ValueError(EITHER_HOLD_OR_REPS)
        if self.tempo is not None and self.reps is None:
            raise ValueError(TEMPO_ONLY_WITH_REPS)
        return self

    @property
    def sides_list(self) -> tuple[str | None, ...]:
        return ("left", "right") if self.sides == "each" else (None,)

    @property
    def beat(self) -> float:
        """Seconds per repetition."""
        return self.tempo if self.tempo is not None else DEFAULT_TEMPO


class Routine(_Strict):
    """A named sequence of stretches with its default transition and rest times."""

    name: Slug | None = Field(
        default=None,
        description="lower-case-with-dashes, used to run it by name "
        "(default: the file name without .yaml).",
    )
    title: Line = Field(description="What the voice announces at the start.")
    summary: Annotated[str, Field(strict=True, max_length=MAX_SUMMARY_CHARS)] = Field(
        default="", description="One or two sentences shown by `voicecoach show`."
    )
    when: Literal["after-run", "before-run", "anytime"] = Field(
        default="anytime", description="When it is meant to be done."
    )
    style: Literal["dynamic", "static", "yoga", "mixed"] = Field(
        description="dynamic (reps, while warm), static (holds), yoga (poses) or mixed."
    )
    transition: Annotated[Seconds, Field(ge=0, le=120)] = Field(
        default=5.0,
        description="Seconds to get into position before each hold or set (0 to 120).",
    )
    rest: Annotated[Seconds, Field(ge=0, le=300)] = Field(
        default=10.0, description="Seconds of rest between stretches (0 to 300)."
    )
    stretches: list[Stretch] = Field(
        min_length=1, max_length=MAX_STRETCHES,
        description=f"The stretches in order (1 to {MAX_STRETCHES}).",
    )

    @model_validator(mode="after")
    def _not_too_long(self) -> Routine:
        seconds = self.minimum_seconds()
        if seconds > MAX_ROUTINE_SECONDS:
            hours, minutes = divmod(round(seconds / 60), 60)
            raise ValueError(
                f"the holds, reps, transitions and rests alone last {hours} h {minutes:02d} min; "
                f"a routine lasts at most {MAX_ROUTINE_SECONDS // 3600} hours: split it up"
            )
        return self

    def transition_for(self, stretch: Stretch) -> float:
        return self.transition if stretch.transition is None else stretch.transition

    def minimum_seconds(self) -> float:
        """Timed work, transitions and rests, without the speech around them."""
        total = self.rest * (len(self.stretches) - 1)
        for s in self.stretches:
            work = s.hold if s.hold is not None else s.reps * s.beat
            total += len(s.sides_list) * (self.transition_for(s) + work)
        return total

    @property
    def targets(self) -> list[str]:
        """Every target muscle group, in order of first appearance."""
        return list(dict.fromkeys(t for s in self.stretches for t in s.targets))

