"""Times and counts as people read them."""

from __future__ import annotations

import pytest

from voicecoach.timefmt import clock, duration, plural, precise, whole_minutes


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00"), (59.4, "0:59"), (59.6, "1:00"), (319.7, "5:20"), (3599.6, "1:00:00"),
     (4205, "1:10:05"), (-3, "0:00")],
)
def test_duration_is_m_ss_to_the_second_and_h_mm_ss_from_an_hour(seconds: float, text: str):
    assert duration(seconds) == text


def test_clock_cuts_and_precise_rounds_to_the_tenth() -> None:
    assert clock(59.9) == "0:59"
    assert precise(59.96) == "1:00.0"


@pytest.mark.parametrize(("seconds", "minutes"), [(0, 1), (89, 1), (91, 2), (319.7, 5)])
def test_whole_minutes_are_at_least_one(seconds: float, minutes: int) -> None:
    assert whole_minutes(seconds) == minutes


@pytest.mark.parametrize(
    ("count", "noun", "text"),
    [(1, "stretch", "1 stretch"), (3, "stretch", "3 stretches"), (0, "day", "0 days"),
     (2, "session", "2 sessions"), (1, "minute", "1 minute")],
)
def test_plural(count: int, noun: str, text: str) -> None:
    assert plural(count, noun) == text
