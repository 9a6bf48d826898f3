"""The spoken texts say what PRODUCT.md asks, briefly, in correct English."""

from __future__ import annotations

import pytest

from voicecoach import content
from voicecoach.plan import DEFAULT_RATE, estimate_speech_seconds


def test_the_disclaimer_says_information_only_see_your_doctor_and_get_advice_if_injured():
    text = content.DISCLAIMER.lower()
    assert "information" in text
    assert "not medical advice" in text
    assert "doctor" in text
    assert "injur" in text


def test_the_insole_mention_names_podiatrists_d3o_and_the_online_shop():
    assert "podiatrist" in content.INSOLES
    assert "D3O" in content.INSOLES
    assert "online shop" in content.INSOLES


@pytest.mark.parametrize("text", [content.DISCLAIMER, content.INSOLES])
def test_the_disclaimer_and_insole_mention_take_well_under_30_seconds(text: str):
    assert estimate_speech_seconds(text, DEFAULT_RATE) < 20


@pytest.mark.parametrize(
    ("minutes", "spoken"), [(1, "Hips. About 1 minute."), (2, "Hips. About 2 minutes.")],
)
def test_the_introduction_says_minute_or_minutes(minutes: int, spoken: str):
    assert content.introduce("Hips", minutes) == spoken


@pytest.mark.parametrize(("reps", "spoken"), [(1, "1 rep, with me."), (12, "12 reps, with me.")])
def test_the_rep_count_says_rep_or_reps(reps: int, spoken: str):
    assert content.start_reps(reps) == spoken


@pytest.mark.parametrize(
    ("side", "hint", "spoken"),
    [("right", content.GET_IN_POSITION, "Right side. Get into position."),
     ("left", "Kneel on your left knee.", "Left side. Kneel on your left knee.")],
)
def test_the_second_side_is_named_with_its_first_step(side: str, hint: str, spoken: str):
    assert content.switch_to(side, hint) == spoken


@pytest.mark.parametrize(("seconds", "spoken"), [(30, "Hold for 30 seconds."),
                                                 (22.5, "Hold for 22.5 seconds.")])
def test_the_hold_cue_says_whole_seconds_without_a_decimal_point(seconds: float, spoken: str):
    assert content.start_hold(seconds) == spoken
