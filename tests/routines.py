"""Small routines built in code for the plan tests, and a voice with fixed line lengths."""

from __future__ import annotations

from typing import Any

from voicecoach.routine import Routine

# A three-stretch routine as a file would hold it: a two-sided hold, a hold, and reps.
TINY = """
title: Tiny
style: static
transition: 5
rest: 10
stretches:
  - name: Figure four
    targets: [glutes]
    sides: each
    hold: 30
    instructions: Lie on your back and cross one ankle over the other knee.
    cues: [Breathe out.]
  - name: Butterfly
    targets: [adductors]
    hold: 20
    instructions: Sit with the soles of your feet together.
  - name: Leg swings
    targets: [hip flexors]
    reps: 4
    instructions: Swing one leg forward and back.
"""
# Its two held stretches only.
TINY_HOLDS = TINY.split("  - name: Leg swings")[0]


def make_routine(*stretches: dict[str, Any], **fields: Any) -> Routine:
    data: dict[str, Any] = {"name": "test", "title": "Test", "style": "mixed"}
    data.update(fields)
    data["stretches"] = list(stretches)
    return Routine.model_validate(data)


def hold(name: str = "Hip hold", seconds: float = 30, **fields: Any) -> dict[str, Any]:
    return {"name": name, "targets": ["glutes"], "instructions": f"Do the {name}.",
            "hold": seconds, **fields}


def reps(name: str = "Leg swings", count: int = 10, **fields: Any) -> dict[str, Any]:
    return {"name": name, "targets": ["hip flexors"], "instructions": f"Do the {name}.",
            "reps": count, **fields}


def quick(text: str) -> float:
    """A voice that says a count in 0.5 s and any other line in 1 s."""
    return 0.5 if text.isdigit() else 1.0
