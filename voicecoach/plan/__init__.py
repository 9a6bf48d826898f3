"""The plan: the exact timed script the voice follows, built from a routine and options.

Nothing here does I/O or reads a clock; it needs only the routine model and the spoken content.
"""

from __future__ import annotations

from voicecoach.plan.build import (
    CUE_GAP_MS,
    GAP_MS,
    SpeechSeconds,
    build_plan,
    estimate_speech_seconds,
)
from voicecoach.plan.timeline import Event, Kind, Plan, PlanOptions, Role
from voicecoach.rates import DEFAULT_RATE, MAX_RATE, MIN_RATE

__all__ = [
    "CUE_GAP_MS",
    "DEFAULT_RATE",
    "GAP_MS",
    "MAX_RATE",
    "MIN_RATE",
    "Event",
    "Kind",
    "Plan",
    "PlanOptions",
    "Role",
    "SpeechSeconds",
    "build_plan",
    "estimate_speech_seconds",
]
