"""The fixed spoken texts: the disclaimer, the closing insole mention, and the coaching phrases."""

from __future__ import annotations

from voicecoach.timefmt import plural

DISCLAIMER = (
    "First, a note: this routine is general information, not medical advice, "
    "and no substitute for your own doctor's advice. "
    "If you are injured, get medical advice for yourself before you stretch."
)

INSOLES = (
    "This routine draws on advice from Enertor, makers of running insoles designed by "
    "podiatrists, with D3O impact protection to absorb shock. "
    "You can find them in Enertor's online shop."
)

DEFAULT_SAFETY = "Ease off straight away if you feel any sharp pain."
GET_IN_POSITION = "Get into position."
HALFWAY = "Halfway."
RELEASE = "And release."
STOP_REPS = "And relax."
SWITCH_SIDES = "Switch sides."
COMPLETE = "Routine complete. Well done."


def introduce(title: str, minutes: int) -> str:
    return f"{title}. About {plural(minutes, 'minute')}. Let's start."


def announce(name: str, side: str | None) -> str:
    return f"{name}, {side} side." if side else f"{name}."


def announce_side(side: str) -> str:
    return f"{side.capitalize()} side."


def position(side: str | None, first_side: bool) -> str:
    if side and not first_side:
        return f"{side.capitalize()} side. {GET_IN_POSITION}"
    return GET_IN_POSITION


def start_hold(seconds: float) -> str:
    return f"Hold for {_number(seconds)} seconds."


def start_reps(reps: int) -> str:
    return f"{plural(reps, 'rep')}, with me."


def preview(name: str) -> str:
    return f"Rest. Next up: {name}."


def _number(seconds: float) -> str:
    return f"{seconds:g}" if seconds != int(seconds) else str(int(seconds))
