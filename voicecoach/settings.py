"""The options a run, plan or export uses: built-in defaults, the config file and the flags."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from voicecoach.config import Config
    from voicecoach.plan import PlanOptions

# The config keys a command-line flag of the same name can override.
FLAGS = (
    "engine", "voice", "rate", "volume", "insoles", "hold_scale", "transition", "rest", "chime",
    "tight_side", "listen",
)


@dataclass(frozen=True)
class Settings:
    """What a run, plan or export uses, with where each value came from."""

    options: PlanOptions
    voice: str | None
    volume: float
    sources: dict[str, str]  # key -> "default" | "config" | "flag"
    engine: str | None = None  # a name in voicecoach.speech.ENGINES; None: the default engine
    chime: bool = False  # a soft chime as each hold begins and ends (played and exported)
    listen: bool = False  # hear spoken commands during `run`


def resolve_options(config: Config, *, hold: float | None = None, **flags: Any) -> Settings:
    """Merge built-in defaults < config file < command-line flags (None means "not given"):
    `hold` and each of FLAGS (a config key of the same name)."""
    from voicecoach.config import effective
    from voicecoach.plan import PlanOptions

    from voicecoach.engine_names import default_engine, engine_for_voice

    unknown = sorted(set(flags) - set(FLAGS))
    if unknown:
        raise TypeError(f"resolve_options() got an unexpected keyword argument {unknown[0]!r}")
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, (value, source) in effective(config).items():
        if flags.get(key) is not None:
            value, source = flags[key], "flag"
        values[key], sources[key] = value, source
    # `--hold` sets every hold outright, so it beats hold_scale wherever that came from.
    sources["hold"] = "flag" if hold is not None else "default"
    options = PlanOptions(
        insoles=values["insoles"],
        hold=hold,
        hold_scale=values["hold_scale"],
        rate=values["rate"],
        transition=values["transition"],
        rest=values["rest"],
        tight_side=values["tight_side"],
        engine=values["engine"] or engine_for_voice(values["voice"]) or default_engine(),
    )
    return Settings(
        options=options, voice=values["voice"], volume=values["volume"], sources=sources,
        chime=values["chime"],
        engine=values["engine"],
        listen=values["listen"],
    )


def load_settings(**flags: Any) -> Settings:
    """The user's config file merged with the flags given (see `resolve_options`)."""
    from voicecoach.config import load_config

    return resolve_options(load_config(), **flags)
