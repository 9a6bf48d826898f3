"""The routine model: a strict, frozen pydantic model and the limits it enforces."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from voicecoach.routine import sides as sidetext
from voicecoach.routine.names import MAX_SLUG_CHARS, SLUG_PATTERN
from voicecoach.text import CONTROL, MARKUP, VISIBLE

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
ALTERNATING_ONLY_ONCE = (
    "`alternating` goes with `reps` and `sides: none`: both sides take turns within one set"
)
Position = Literal["standing", "chair", "kneeling", "seated", "lying"]
POSITIONS: tuple[str, ...] = ("standing", "chair", "kneeling", "seated", "lying")
FLOOR: frozenset[str] = frozenset({"kneeling", "seated", "lying"})
Equipment = Literal["wall", "chair", "wall or chair", "mat", "cushion", "towel"]
EQUIPMENT: tuple[str, ...] = ("wall", "chair", "wall or chair", "mat", "cushion", "towel")
SPOKEN_FIELDS = ("name", "instructions", "easier", "safety", "cues")


def _whole_number(value: Any) -> Any:
    """10.0 reps is 10 reps: JSON Schema calls it an integer too, so the loader agrees."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _no_control(value: str) -> str:
    """Text a terminal would act on (escape sequences, bells, clears) is never loaded."""
    found = CONTROL.search(value)
    if found is not None:
        raise ValueError(
            f"has a control character (U+{ord(found.group()):04X}, character "
            f"{found.start() + 1}); terminal escapes and control codes are not allowed in text"
        )
    tag = MARKUP.search(value)
    if tag is not None:
        raise ValueError(
            f"looks like markup ({tag.group()}); the voice reads plain text, so write plain words"
        )
    return value


# What the text may not hold, and what it must hold, said once for the loader and the schema.
_NO_CONTROL = {"not": {"anyOf": [{"pattern": CONTROL.pattern}, {"pattern": MARKUP.pattern}]}}
Slug = Annotated[str, Field(strict=True, max_length=MAX_SLUG_CHARS, pattern=SLUG_PATTERN)]
Line = Annotated[
    str,
    Field(strict=True, min_length=1, max_length=MAX_LINE_CHARS, pattern=VISIBLE,
          json_schema_extra=_NO_CONTROL),
    AfterValidator(_no_control),
]
Text = Annotated[
    str,
    Field(strict=True, min_length=1, max_length=MAX_TEXT_CHARS, pattern=VISIBLE,
          json_schema_extra=_NO_CONTROL),
    AfterValidator(_no_control),
]
Summary = Annotated[
    str,
    Field(strict=True, max_length=MAX_SUMMARY_CHARS, json_schema_extra=_NO_CONTROL),
    AfterValidator(_no_control),
]
Seconds = Annotated[float, Field(strict=True, allow_inf_nan=False)]


def _present(field: str, kind: str) -> dict[str, Any]:
    """JSON Schema for: `field` is given and is not null."""
    return {"required": [field], "properties": {field: {"type": kind}}}


# The loader's rules on the shape of a stretch, said in JSON Schema: exactly one of hold and
# reps; tempo only with reps; alternating only with reps and without sides.
_STRETCH_SHAPE = {
    "oneOf": [
        {
            **_present("hold", "number"),
            "not": {"anyOf": [_present("reps", "integer"), _present("tempo", "number")]},
        },
        {**_present("reps", "integer"), "not": _present("hold", "number")},
    ],
    "if": {"required": ["alternating"], "properties": {"alternating": {"const": True}}},
    "then": {
        **_present("reps", "integer"),
        "properties": {"reps": {"type": "integer"}, "sides": {"not": {"const": "each"}}},
    },
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Stretch(_Strict):
    """One stretch: what to say about it and how long it lasts. Give `hold` or `reps`, not both."""

    model_config = ConfigDict(json_schema_extra=_STRETCH_SHAPE)

    name: Line = Field(description="What the voice calls the stretch, e.g. Butterfly stretch.")
    targets: list[Line] = Field(
        min_length=1, max_length=10,
        description="The muscles it works (1 to 10), e.g. glutes, adductors, hip flexors.",
    )
    # Before the spoken texts, so that their placeholders can be checked against it.
    sides: Literal["each", "none"] = Field(
        default="none",
        description="`each`: left side, then switch sides, then right side with the same "
        "hold; `none`: done once. Spoken texts of an `each` stretch may say {side} and "
        "{other side} (or {Side}, {Other side}): the voice fills in left or right.",
    )
    position: Position | None = Field(
        default=None,
        description="Where the body is: standing, chair, kneeling, seated or lying. Going down "
        "to or up from the floor, and switching sides on it, get at least 8 seconds.",
    )
    equipment: list[Equipment] = Field(
        default_factory=list, max_length=6,
        description="What it needs: wall, chair, wall or chair, mat, cushion, towel; the "
        "introduction names each item once.",
    )
    instructions: Text = Field(
        description="How to do it, for the ear: one action per sentence, then where you "
        "should feel it; read aloud once."
    )
    easier: Text | None = Field(
        default=None,
        description="An easier way, spoken after the instructions "
        "(e.g. If your knees don't like this, ...).",
    )
    safety: Text | None = Field(
        default=None,
        description="A safety cue spoken after the instructions "
        "(default: ease off straight away on any sharp pain).",
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
    alternating: Annotated[bool, Field(strict=True)] = Field(
        default=False,
        description="With `reps` and `sides: none`: each count is one rep on each side, "
        "announced as 8 each side.",
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

    @field_validator("name", "instructions", "easier", "safety")
    @classmethod
    def _placeholders(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and "sides" in info.data:
            problem = sidetext.problem(value, info.data["sides"] == "each")
            if problem:
                raise ValueError(problem)
        return value

    @field_validator("cues")
    @classmethod
    def _cue_placeholders(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if "sides" in info.data:
            for k, cue in enumerate(value):
                problem = sidetext.problem(cue, info.data["sides"] == "each")
                if problem:
                    raise ValueError(f"cue {k + 1}: {problem}")
        return value

    @model_validator(mode="after")
    def _hold_or_reps(self) -> Stretch:
        if (self.hold is None) == (self.reps is None):
            raise ValueError(EITHER_HOLD_OR_REPS)
        if self.tempo is not None and self.reps is None:
            raise ValueError(TEMPO_ONLY_WITH_REPS)
        if self.alternating and (self.reps is None or self.sides == "each"):
            raise ValueError(ALTERNATING_ONLY_ONCE)
        return self

    @property
    def on_floor(self) -> bool:
        return self.position in FLOOR

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
    summary: Summary = Field(
        default="", description="One or two sentences shown by `voicecoach show`."
    )
    why: Text | None = Field(
        default=None,
        description="One or two sentences on why the routine helps, spoken after the "
        "introduction.",
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
    def equipment(self) -> list[str]:
        """Everything the stretches need, each item once, in order of first use."""
        return list(dict.fromkeys(e for s in self.stretches for e in s.equipment))

    @property
    def targets(self) -> list[str]:
        """Every target muscle group, in order of first appearance."""
        return list(dict.fromkeys(t for s in self.stretches for t in s.targets))

