"""Thresholds for voice commands, chosen from recordings: `voice_commands.py --tune`.

Every phrase the recogniser weighs is recorded with its evidence (how it fits, what a free phone
loop heard there, how far it stands above the room) and every one is turned down, so the
recogniser hears on after each as it does after a phrase turned down: true commands at 10 dB
below noise and below the coach's speech, and the coach's own audio fed in ungated. Every
threshold can then be tried on the same records (a phrase taken would start the recogniser
afresh, so the records after it are a few more than a run would weigh). For each phrase this
prints the checks (vocabulary.CHECKS) that let none of the coach's own audio through and keep
the most true commands.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

import numpy as np
import voice_audio as va
import voice_commands as vc

from voicecoach.listen.spotter import KeywordSpotter
from voicecoach.listen.vocabulary import Vocabulary

FITS = [-np.inf, *np.arange(-2.0, -0.6, 0.05)]  # log10 per frame
PHONES = [*np.arange(0.40, 1.05, 0.05), np.inf]  # edits per phone
FLOORS = (-np.inf, 6.0, 9.0, 12.0)  # dB
CONDITIONS = [("noise", 10), ("coach", 10)]


def weighed(words: Vocabulary, pcm: bytes) -> list[tuple]:
    """(phrase, command, evidence, seconds fed) for every phrase weighed in `pcm`, all turned
    down."""
    spotter = KeywordSpotter(words)
    spotter.accept = lambda phrase, evidence: False
    log: list[tuple] = []
    spotter.on_weighed = lambda phrase, evidence, at, heard: log.append(
        (phrase.text, phrase.command, evidence, at))
    vc.feed(spotter.feed, pcm)
    return log


def passes(record: tuple, limits: tuple[float, float, float]) -> bool:
    evidence = record[2]
    fit, phones, floor = limits
    return evidence is not None and (evidence.fit >= fit and evidence.phones <= phones
                                     and evidence.above_floor >= floor)


def tune(voices, routines, coach, rng, words: Vocabulary) -> None:
    clips = vc.render_commands(voices, words)
    streams = vc.build_streams(voices, clips, words, rng, coach, CONDITIONS)
    true: dict[str, list[list]] = defaultdict(list)  # phrase: per clip, its records
    for stream in streams.values():
        log = weighed(words, stream.pcm())
        ends = [s.bounds[1] / va.RATE for s in stream.segments]
        per = defaultdict(list)
        for record in log:
            per[int(np.searchsorted(ends, record[3]))].append(record)
        for i, seg in enumerate(stream.segments):
            for text in {p.text for p in words.commands}:
                true[text].append([r for r in per[i] if r[0] == text and r[1] == seg.command])
    own: dict[str, list] = defaultdict(list)
    hours = 0.0
    for _, _, audio in routines:
        hours += len(audio) / va.RATE / 3600
        for record in weighed(words, va.to_pcm(audio)):
            own[record[0]].append(record)
    print(f"coach's own audio: {hours:.2f} h, ungated; true commands at 10 dB: "
          f"{sum(len(s.segments) for s in streams.values())}")
    checks = {}
    for text, clips_heard in true.items():
        best = None
        for limits in itertools.product(FITS, PHONES, FLOORS):
            if any(passes(r, limits) for r in own[text]):
                continue
            kept = sum(any(passes(r, limits) for r in records) for records in clips_heard)
            key = (kept, -limits[1], limits[2], -limits[0])  # then the loosest checks
            if best is None or key > best[0]:
                best = (key, limits)
        weighed_true = sum(bool(records) for records in clips_heard)
        if best is None:
            print(f"  {text:12} no checks keep out every false alarm")
            continue
        checks[text] = tuple(round(float(x), 2) for x in best[1])
        print(f"  {text:12} keeps {best[0][0]} of {weighed_true} true commands weighed, "
              f"none of {len(own[text])} false phrases weighed")
    print(f"CHECKS = {checks}")
