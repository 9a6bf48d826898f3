"""The fixed spoken texts: the disclaimer, the pain rule, the closing insole mention, and the
coaching phrases, written for the ear (one action per sentence, at most 20 words each)."""

from __future__ import annotations

from voicecoach.timefmt import plural

DISCLAIMER = (
    "First, a note: this routine is general information, not medical advice, "
    "and no substitute for your own doctor's advice. "
    "If you are injured, get medical advice for yourself before you stretch."
)

# Said right after the disclaimer, every time: every stretch has its own safety line too.
PAIN_RULE = (
    "Stretch to a mild pull, never to pain. "
    "Stop at once if you feel sharp pain, tingling or numbness. "
    "If pain spreads down a leg, wakes you at night, or follows a fall, see a professional."
)

INSOLES = (
    "This routine draws on advice from Enertor, who make insoles for running. "
    "They are designed by podiatrists, with D3O impact protection to absorb shock. "
    "You can find them in Enertor's online shop."
)

DEFAULT_SAFETY = "Ease off straight away if you feel any sharp pain."
GET_IN_POSITION = "Get into position."
HALFWAY = "Halfway."
RELEASE = "And release."
STOP_REPS = "And relax."
SWITCH_SIDES = "Switch sides."
LETS_START = "Let's start."
COMPLETE = "Routine complete. Well done."

# Moving between the floor and standing or a chair: said as the transition begins.
COME_DOWN = "Come down to the floor."
COME_UP_TO_STAND = "Come up to standing, slowly."
COME_UP_TO_CHAIR = "Come up slowly, and sit on your chair."
# At the end of a routine that finishes on the floor.
COME_UP_FROM_LYING = "Roll onto your side. Then come up slowly, in your own time."
COME_UP_FROM_FLOOR = "Come up to standing slowly, in your own time."

# How each piece of equipment is named when the introduction lists what to bring.
EQUIPMENT = {
    "wall": "a wall",
    "chair": "a chair",
    "wall or chair": "a wall or chair to hold",
    "mat": "a mat",
    "cushion": "a cushion",
    "towel": "a towel",
}


def introduce(title: str, minutes: int, equipment: list[str] | tuple[str, ...] = ()) -> str:
    """The title, the length, and what to bring (each item named once)."""
    text = f"{title}. About {plural(minutes, 'minute')}."
    items = [EQUIPMENT.get(item, item) for item in _needed(equipment)]
    if items:
        text += f" You'll need {_join(items)}."
    return text


def _needed(equipment: list[str] | tuple[str, ...]) -> list[str]:
    """Each item once, in order; a wall or a chair in the list covers `wall or chair`."""
    items = list(dict.fromkeys(equipment))
    if "wall or chair" in items and ("wall" in items or "chair" in items):
        items.remove("wall or chair")
    return items


def _join(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def announce(name: str, side: str | None) -> str:
    return f"{name}, {side} side." if side else f"{name}."


def switch_to(side: str, hint: str) -> str:
    """The second side begins: which side, and the first step of getting into it."""
    return f"{side.capitalize()} side. {hint}"


def extra_side(side: str, hint: str) -> str:
    """The extra set on the tighter side, said as it begins."""
    return f"One more set on your {side} side, the tighter one. {hint}"


def tight_side_plan(side: str) -> str:
    """Said in the introduction when a tighter side is given."""
    return (
        f"Your {side} side is the tighter one. "
        "Each two-sided stretch starts there, and ends with one more set there."
    )


def come_up(position: str | None) -> str:
    """The cue to get up at the end of a routine that finishes in `position` on the floor."""
    return COME_UP_FROM_LYING if position == "lying" else COME_UP_FROM_FLOOR


def spoken_duration(seconds: float) -> str:
    """A length as people say it: "45 seconds", "90 seconds", "2 minutes", "2 and a half
    minutes"."""
    if seconds != int(seconds):
        return f"{seconds:g} seconds"
    whole = int(seconds)
    if whole >= 60 and whole % 60 == 0:
        return plural(whole // 60, "minute")
    if whole >= 150 and whole % 60 == 30:
        return f"{whole // 60} and a half minutes"
    return plural(whole, "second")


def start_hold(seconds: float) -> str:
    return f"Hold for {spoken_duration(seconds)}."


def seconds_left(seconds: int) -> str:
    return f"{plural(seconds, 'second')} left."


def start_reps(reps: int, each_side: bool = False) -> str:
    """The start of a counted set; alternating sets are counted per side."""
    if each_side:
        return f"{reps} each side, with me."
    return f"{plural(reps, 'rep')}, with me."


def preview(name: str, rest: bool = True, to_floor: bool = False) -> str:
    """What comes next, said as the rest begins ("Rest." only when there is a rest)."""
    where = ", on the floor" if to_floor else ""
    return f"{'Rest. ' if rest else ''}Next up{where}: {name}."

