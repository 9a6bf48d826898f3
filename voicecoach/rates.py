"""Speaking rates, in words per minute: one place for the plan, the engines and the options.

Every engine is asked for a rate in words per minute. eSpeak NG takes that number directly; the
other engines have a speed multiplier instead, mapped here from measured words per minute so that
one `--rate` gives the same pace whichever engine speaks. The plan uses the fitted length
estimates below without loading any engine. `benchmarks/speech_rates.py` measures both tables.
"""

from __future__ import annotations

DEFAULT_RATE = 160  # unhurried, for someone listening from across the room
MIN_RATE, MAX_RATE = 80, 300
DEFAULT_ENGINE = "natural"  # what the plan estimates for when no engine is named

# Measured pace (words / trimmed seconds, over every distinct shipped line) of eSpeak NG at its
# own rate setting: the pace each engine is brought to for the same `--rate`.
REFERENCE_WPM: tuple[tuple[float, float], ...] = (
    (80, 98.9), (120, 140.3), (160, 187.7), (200, 235.4), (250, 294.1), (300, 357.8),
)

# Measured pace of each engine at its own speed multiplier (speed, words per minute), ascending.
SPEED_WPM: dict[str, tuple[tuple[float, float], ...]] = {
    "natural": (
        (0.4, 79.9), (0.5, 99.2), (0.6, 119.8), (0.7, 140.6), (0.8, 160.1), (0.9, 189.7),
        (1.0, 198.6), (1.1, 205.8), (1.2, 219.3), (1.3, 231.5), (1.4, 300.6), (1.5, 309.3),
        (1.6, 316.9), (1.8, 330.3), (2.0, 354.1),
    ),
    "piper": (  # en_US-joe-medium: other Piper voices speak at much the same pace
        (0.4, 105.9), (0.5, 129.1), (0.6, 149.5), (0.7, 172.2), (0.8, 197.5), (0.9, 214.9),
        (1.0, 223.6), (1.1, 231.2), (1.2, 244.8), (1.35, 275.5), (1.5, 310.6), (1.75, 347.4),
        (2.0, 360.8),
    ),
}


class SpeechFit:
    """Seconds a line lasts at one rate: a time per word, per pause (comma, full stop...) and
    an offset for the whole line, fitted to an engine's clips of every shipped line."""

    __slots__ = ("word", "pause", "offset")  # a plain class: this module loads on every start

    def __init__(self, word: float, pause: float, offset: float) -> None:
        self.word, self.pause, self.offset = word, pause, offset

    def __repr__(self) -> str:
        return f"SpeechFit({self.word}, {self.pause}, {self.offset})"


def _fits(*rows: tuple[int, float, float, float]) -> tuple[tuple[int, SpeechFit], ...]:
    return tuple((rate, SpeechFit(word, pause, offset)) for rate, word, pause, offset in rows)


# (rate, fit) per engine, ascending; between two rates the estimate is interpolated in 1/rate.
# Measured by benchmarks/speech_rates.py over every distinct line of the shipped routines.
SPEECH_FITS: dict[str, tuple[tuple[int, SpeechFit], ...]] = {
    "espeak": _fits(
        (80, 0.522, 0.5719, -0.0089), (120, 0.3626, 0.404, 0.0193),
        (160, 0.2675, 0.3021, 0.0328), (200, 0.2117, 0.2342, 0.0408),
        (250, 0.1675, 0.1862, 0.0435), (300, 0.1377, 0.1476, 0.0379),
    ),
    "natural": _fits(
        (80, 0.5241, 0.5668, 0.0194), (120, 0.3605, 0.4335, 0.0305),
        (160, 0.2767, 0.2981, -0.007), (200, 0.2309, 0.2087, -0.0196),
        (250, 0.1843, 0.149, -0.0102), (300, 0.1574, 0.1021, 0.0217),
    ),
    "piper": _fits(  # en_US-joe-medium, measured at three rates
        (80, 0.4302, 0.8327, 0.055), (160, 0.2411, 0.4624, 0.0476), (300, 0.1328, 0.203, 0.0349),
    ),
}
LEAST_SECONDS = 0.2  # no line is estimated shorter


def _interpolate(points: tuple[tuple[float, float], ...], x: float) -> float:
    """Piecewise-linear through `points` (ascending in x), extended along the end segments."""
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x <= x1 or (x1, y1) == points[-1]:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def target_wpm(rate: int) -> float:
    """The measured pace every engine is brought to for `rate` words per minute."""
    return _interpolate(REFERENCE_WPM, rate)


def engine_speed(engine: str, rate: int) -> float:
    """The speed multiplier that makes `engine` speak at the pace of `rate`."""
    points = SPEED_WPM[engine]
    inverse = tuple((wpm, speed) for speed, wpm in points)
    low, high = points[0][0], points[-1][0]
    return round(min(high, max(low, _interpolate(inverse, target_wpm(rate)))), 4)


def estimate_seconds(words: int, pauses: int, rate: int, engine: str | None = None) -> float:
    """Seconds `engine` takes for a line of `words` words and `pauses` pauses at `rate`."""
    points = SPEECH_FITS.get(engine or DEFAULT_ENGINE, SPEECH_FITS[DEFAULT_ENGINE])
    beats = tuple((60 / r, f.word * words + f.pause * pauses + f.offset) for r, f in points)
    return max(LEAST_SECONDS, _interpolate(tuple(reversed(beats)), 60 / rate))
