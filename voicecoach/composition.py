"""What a composition is made of: the options asked for, the library stretches that fit them,
the order they go in, and the dose each one gets. Pure data and rules, no I/O."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol

from voicecoach.errors import UsageError

MIN_MINUTES, MAX_MINUTES = 3, 60
TOLERANCE = 0.10  # the planned length is within 10 % of the minutes asked for
WHENS = ("after-run", "before-run", "anytime")
PLACES = ("standing", "chair", "floor")
STYLES = ("static", "dynamic", "mixed")
LEVELS = ("gentle", "moderate")
SIDES = ("left", "right")
# Areas a person can ask for; "hips" takes in everything around the hip joint.
AREAS: dict[str, frozenset[str]] = {
    "hips": frozenset({"hips", "hip flexors", "glutes", "outer hip", "adductors"}),
    **{
        area: frozenset({area})
        for area in (
            "glutes", "outer hip", "adductors", "hip flexors", "quads", "hamstrings", "calves",
            "lower back", "core", "trunk",
        )
    },
}
DEFAULT_FOCUS = ("hips", "hamstrings", "lower back")
# Down the body, never back up: standing, then a chair, then kneeling, seated and lying.
POSITION_RANK = {"standing": 0, "chair": 1, "kneeling": 2, "seated": 3, "lying": 4}
POSITIONS_AT = {
    "standing": frozenset({"standing"}),
    "chair": frozenset({"standing", "chair"}),
    "floor": frozenset(POSITION_RANK),
}
FULL_DOSE_S = 60  # held seconds per muscle group (and side) in mainstream guidance
FAIR_SHARE = 0.5  # no focus area gets less than half its part of the time


@dataclass(frozen=True)
class Dose:
    """The hold and rep ranges of a level, in seconds and reps per side."""

    hold_low: int
    hold_high: int
    hold_usual: int
    reps_low: int
    reps_high: int
    rep_seconds: float  # a dynamic stretch aims at this many seconds of reps per side


DOSES = {
    "gentle": Dose(20, 40, 25, 8, 12, 30.0),
    "moderate": Dose(20, 60, 30, 10, 15, 40.0),
}


class LibraryEntry(Protocol):
    """What the composer needs to know of a library stretch."""

    name: str
    targets: Sequence[str]
    position: str
    style: str
    sides: str
    hold: float | None
    reps: int | None
    gentle: bool
    moments: Sequence[str]

    @property
    def beat(self) -> float: ...


@dataclass(frozen=True)
class ComposeOptions:
    """What a person asks for; with the seed, it decides the routine."""

    minutes: int
    focus: tuple[str, ...] = ()
    when: str = "anytime"
    place: str = "floor"
    style: str | None = None  # None: dynamic before a run, mixed otherwise
    level: str = "moderate"
    tight_side: str | None = None
    seed: str = "1"

    @property
    def areas(self) -> tuple[str, ...]:
        return self.focus or DEFAULT_FOCUS

    @property
    def kind(self) -> str:
        """The style asked for, or the one the moment implies."""
        if self.style is not None:
            return self.style
        return "dynamic" if self.when == "before-run" else "mixed"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["focus"] = list(self.focus)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ComposeOptions:
        """Options read back (from history or the last composed routine), checked again."""
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        try:
            options = cls(**known)
            if not isinstance(options.minutes, int) or isinstance(options.focus, str):
                raise TypeError("minutes should be a whole number and focus a list")
            options = replace(options, focus=tuple(options.focus), seed=str(options.seed))
            return check_options(options)
        except (TypeError, AttributeError) as error:
            raise UsageError(f"the stored compose options cannot be read: {error}") from None


@dataclass(frozen=True)
class Pick:
    """One stretch of a composed routine: the library id, the area it serves, its dose."""

    id: str
    area: str
    hold: int | None = None
    reps: int | None = None


@dataclass(frozen=True)
class Composition:
    """A composed routine: its stretches in order, and how it came about."""

    options: ComposeOptions
    picks: tuple[Pick, ...]
    seconds: float  # planned length, speech included
    scale: float  # doses relative to the usual ones (1: the usual dose)
    notes: tuple[str, ...] = field(default=())

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.picks]


Measure = Callable[[Sequence[Pick]], float]


def normalise_area(text: str) -> str:
    """`hip-flexors`, `Hip Flexors` and `hip flexors` are one area; UsageError if unknown."""
    area = " ".join(text.strip().lower().replace("-", " ").replace("_", " ").split())
    if area in AREAS:
        return area
    if area.endswith("s") and area[:-1] in AREAS:
        return area[:-1]
    if area + "s" in AREAS:
        return area + "s"
    raise UsageError(f"no focus area {text!r}; choose from: {', '.join(AREAS)}")


def check_options(options: ComposeOptions) -> ComposeOptions:
    """The options with focus areas normalised; UsageError on anything out of range."""
    if not MIN_MINUTES <= options.minutes <= MAX_MINUTES:
        raise UsageError(
            f"--minutes is {options.minutes}: a composed routine lasts "
            f"{MIN_MINUTES} to {MAX_MINUTES} minutes"
        )
    for value, allowed, flag in (
        (options.when, WHENS, "--when"),
        (options.place, PLACES, "--place"),
        (options.level, LEVELS, "--level"),
    ):
        if value not in allowed:
            raise UsageError(f"{flag} is {value!r}; choose from: {', '.join(allowed)}")
    if options.style is not None and options.style not in STYLES:
        raise UsageError(f"--style is {options.style!r}; choose from: {', '.join(STYLES)}")
    if options.tight_side is not None and options.tight_side not in SIDES:
        raise UsageError(f"--tight-side is {options.tight_side!r}; choose left or right")
    if options.when == "before-run" and options.kind != "dynamic":
        raise UsageError(
            "before a run, only moving (dynamic) stretches make sense: leave out --style, "
            "or ask for --style dynamic"
        )
    focus = tuple(dict.fromkeys(normalise_area(a) for a in options.focus))
    return replace(options, focus=focus)


def fits(entry: LibraryEntry, options: ComposeOptions) -> bool:
    """Whether a library stretch suits the place, the moment and the style asked for."""
    if entry.position not in POSITIONS_AT[options.place]:
        return False
    if options.when not in entry.moments:
        return False
    if options.kind != "mixed" and entry.style != options.kind:
        return False
    # After a run, the moving part comes first while still warm: on your feet.
    return not (
        options.when == "after-run" and entry.style == "dynamic" and entry.position != "standing"
    )


def covers(entry: LibraryEntry, area: str) -> bool:
    return bool(AREAS[area] & set(entry.targets))


def order_key(entry: LibraryEntry) -> tuple[int, int]:
    """Down the body position by position; within a position, moving before holding."""
    return POSITION_RANK[entry.position], 0 if entry.style == "dynamic" else 1


def area_seconds(
    picks: Sequence[Pick], areas: Sequence[str], library: Mapping[str, LibraryEntry]
) -> dict[str, float]:
    """Seconds of work (one side) that each focus area gets from the stretches that work it."""
    totals = dict.fromkeys(areas, 0.0)
    for p in picks:
        for area in areas:
            if covers(library[p.id], area):
                totals[area] += work_seconds(library[p.id], p)
    return totals


def shares(
    picks: Sequence[Pick], areas: Sequence[str], library: Mapping[str, LibraryEntry]
) -> dict[str, float]:
    """Each focus area's time as a share of a fair one (1.0: exactly its part of the whole)."""
    total = sum(work_seconds(library[p.id], p) for p in picks)
    seconds = area_seconds(picks, areas, library)
    return {a: seconds[a] / total * len(areas) if total else 1.0 for a in areas}


def work_seconds(entry: LibraryEntry, pick: Pick) -> float:
    """Seconds of holding or counted reps on one side (alternating counts take both)."""
    if pick.hold is not None:
        return float(pick.hold)
    return (pick.reps or entry.reps or 0) * entry.beat


def dose(
    entry: LibraryEntry, pick: Pick, picks: Sequence[Pick], level: Dose, library: Mapping[
        str, LibraryEntry], scale: float,
) -> Pick:
    """`pick` with its hold or reps: the usual dose times `scale`, kept within the level.

    A muscle group gets about a minute of holding in all: one hold of 60 s, or two of 30 s."""
    if entry.style == "static":
        held = sum(
            1 for p in picks if p.area == pick.area and library[p.id].style == "static"
        )
        usual = min(level.hold_high, max(level.hold_usual, FULL_DOSE_S / max(1, held)))
        hold = 5 * round(usual * scale / 5)
        return replace(pick, hold=min(level.hold_high, max(level.hold_low, hold)), reps=None)
    usual = level.rep_seconds / entry.beat
    reps = round(usual * scale)
    return replace(pick, reps=min(level.reps_high, max(level.reps_low, reps)), hold=None)
