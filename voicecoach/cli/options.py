"""Options shared by `plan`, `run` and `export`: one plan feeds all three."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, fields
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, get_type_hints

import typer

from voicecoach.rates import DEFAULT_RATE, MAX_RATE, MIN_RATE

if TYPE_CHECKING:
    from voicecoach.routine import Routine
    from voicecoach.session import Settings

F = TypeVar("F", bound=Callable[..., Any])


def _finite(value: float | None) -> float | None:
    """A range check lets "nan" through (it compares false with everything): refuse it here."""
    import math

    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"must be a finite number, not {value}")
    return value


def own_default(*names: str, **kwargs: Any) -> Any:
    """An option whose help states its own default, so the framework's is left off."""
    return typer.Option(*names, show_default=False, **kwargs)


class Side(str, Enum):
    """A side of the body, as `--tight-side` takes it."""

    LEFT = "left"
    RIGHT = "right"


Name = Annotated[
    str,
    typer.Argument(
        metavar="NAME", help="A routine's name (see `voicecoach list`) or a path to a YAML file."
    ),
]
Insoles = Annotated[
    bool | None,
    own_default(
        "--insoles/--no-insoles",
        help="Say, or leave out, the closing mention of the insoles. "
        "[default: config, else say it]",
    ),
]
Hold = Annotated[
    float | None,
    typer.Option(
        "--hold", min=5, max=600, metavar="SECONDS", callback=_finite,
        help="Hold every static stretch this long.",
    ),
]
Rate = Annotated[
    int | None,
    own_default(
        "--rate",
        min=MIN_RATE,
        max=MAX_RATE,
        metavar="WPM",
        help=f"Speaking rate, words per minute. [default: config, else {DEFAULT_RATE}]",
    ),
]
TightSide = Annotated[
    Side | None,
    own_default(
        "--tight-side",
        help="Your tighter side: each two-sided stretch starts there and ends with one more "
        "set there. [default: config, else both sides equal]",
    ),
]
EngineName = Annotated[
    str | None,
    own_default(
        "--engine",
        metavar="NAME",
        help="Speech engine: natural, espeak or piper (see `voicecoach voices`). "
        "[default: config, else natural where installed, else espeak]",
    ),
]
VoiceId = Annotated[
    str | None,
    typer.Option(
        "--voice",
        metavar="ID",
        help="Voice to speak with, e.g. heart, en-us+f3 or a Piper voice.onnx "
        "(see `voicecoach voices`).",
    ),
]
Volume = Annotated[
    float | None,
    own_default(
        "--volume",
        callback=_finite,
        min=0.0,
        max=1.0,
        metavar="0..1",
        help="Loudness, 0 to 1. [default: config, else 1]",
    ),
]
Chime = Annotated[
    bool | None,
    own_default(
        "--chime/--no-chime",
        help="A soft chime as each hold begins and ends, under the voice. "
        "[default: config, else none]",
    ),
]
NoCache = Annotated[
    bool,
    typer.Option(
        "--no-cache", help="Render every line afresh; neither read nor fill the clip cache."
    ),
]


@dataclass(frozen=True)
class SpeechFlags:
    """The options `run` and `export` share: what the plan and the voice are made from."""

    insoles: Insoles = None
    hold: Hold = None
    engine: EngineName = None
    voice: VoiceId = None
    rate: Rate = None
    volume: Volume = None
    chime: Chime = None
    tight_side: TightSide = None
    no_cache: NoCache = False

    def settings(self) -> Settings:
        """The config file merged with these flags."""
        from voicecoach.session import load_settings

        return load_settings(
            insoles=self.insoles, hold=self.hold, engine=checked_engine(self.engine),
            voice=self.voice, rate=self.rate, volume=self.volume, chime=self.chime,
            tight_side=self.tight_side.value if self.tight_side else None,
        )


def idle_hold(routine: Routine, hold: float | None) -> list[str]:
    """A note when --hold is given for a routine with no held stretch (it changes nothing)."""
    if hold is None or any(s.hold is not None for s in routine.stretches):
        return []
    return [f"Warning: --hold does nothing here: {routine.name} has no held stretches, only reps"]


def idle_options(flags: SpeechFlags, routine: Routine, *, speech: bool) -> list[str]:
    """One line per option given that cannot change this run or export."""
    notes = idle_hold(routine, flags.hold)
    unheard = [name for name, value in (("--voice", flags.voice), ("--volume", flags.volume),
                                        ("--no-cache", flags.no_cache)) if value]
    if not speech and unheard:
        checked = f"; {flags.voice!r} was not checked" if flags.voice else ""
        notes.append(
            f"Warning: {' and '.join(unheard)} {'does' if len(unheard) == 1 else 'do'} "
            f"nothing with --text: nothing is spoken{checked}"
        )
    return notes


def checked_engine(name: str | None) -> str | None:
    """`--engine NAME` checked against the engines installed here (UsageError if not)."""
    if name is None:
        return None
    from voicecoach.speech import check_engine

    return check_engine(name)


def speech_options(command: F) -> F:
    """Give a command the options of `SpeechFlags` in place of its `flags` parameter; it is
    called with them gathered into one `SpeechFlags`."""
    return speech_options_of(*(f.name for f in fields(SpeechFlags)))(command)


def speech_options_of(*names: str) -> Callable[[F], F]:
    """As `speech_options`, with only the named options of `SpeechFlags` (the others keep
    their defaults)."""
    hints = get_type_hints(SpeechFlags, include_extras=True)
    shared = [
        inspect.Parameter(
            f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default, annotation=hints[f.name]
        )
        for f in fields(SpeechFlags)
        if f.name in names
    ]

    def decorate(command: F) -> F:
        signature = inspect.signature(command, eval_str=True)
        parameters: list[inspect.Parameter] = []
        for parameter in signature.parameters.values():
            if parameter.name == "flags":
                parameters += shared
            else:
                parameters.append(parameter.replace(kind=inspect.Parameter.KEYWORD_ONLY))

        @functools.wraps(command)
        def with_flags(**kwargs: Any) -> Any:
            flags = SpeechFlags(**{p.name: kwargs.pop(p.name) for p in shared})
            return command(**kwargs, flags=flags)

        setattr(with_flags, "__signature__", signature.replace(parameters=parameters))  # noqa: B010
        with_flags.__annotations__ = {p.name: p.annotation for p in parameters}
        return with_flags  # type: ignore[return-value]

    return decorate
