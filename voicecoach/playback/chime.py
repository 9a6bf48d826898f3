"""A soft chime made in code: a short bell-like tone marking the start and end of a hold."""

from __future__ import annotations

import math
from functools import lru_cache

CHIME_SECONDS = 0.7
CHIME_PEAK = 0.14  # of full scale: under the voice, which peaks near full scale
ATTACK_SECONDS = 0.006  # a click-free start
DECAY_PER_SECOND = 7.0  # exponential decay: about -40 dB after 0.65 s
START_HZ = (880.0, 1320.0)  # a fifth: bright, for "begin"
END_HZ = (660.0, 990.0)  # the same fifth lower, for "let go"


@lru_cache(maxsize=8)
def chime(sample_rate: int, *, end: bool = False) -> tuple[int, ...]:
    """The chime's 16-bit samples at `sample_rate` (the start chime, or the end one)."""
    low, high = END_HZ if end else START_HZ
    n = round(CHIME_SECONDS * sample_rate)
    attack = max(1, round(ATTACK_SECONDS * sample_rate))
    peak = CHIME_PEAK * 32767
    out = []
    for i in range(n):
        t = i / sample_rate
        envelope = min(1.0, i / attack) * math.exp(-DECAY_PER_SECOND * t)
        # The overtone decays faster, as on a struck bell; the last 10 ms fade to zero.
        tone = 0.75 * math.sin(2 * math.pi * low * t) + 0.25 * math.exp(-4 * t) * math.sin(
            2 * math.pi * high * t
        )
        tail = min(1.0, (n - i) / (0.01 * sample_rate))
        out.append(round(peak * envelope * tone * tail))
    return tuple(out)
