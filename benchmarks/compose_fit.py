"""How close composed routines come to the minutes asked for, and how long composing takes.

Run: python benchmarks/compose_fit.py [--requests N] [--seed S]
Composes N typical requests (5-30 minutes, 0-2 of the hip, leg and back areas), then N random
requests of any kind (minutes 3-60, 0-3 focus areas, every moment, place, style, level and
tighter side) from the shipped library. Prints how many were composed and how many refused
(with the commonest reasons: many requests of any kind ask more of a small pool than it holds,
e.g. 45 minutes of trunk work standing, and no stretch comes twice), the distribution of the
planned length's error against the minutes asked for (the target: within 10 %), and the time
to compose one. The baseline, timed in the same run: building the plan of a shipped routine
once (`plan` does this), since composing is a search that builds many plans.
"""

from __future__ import annotations

import argparse
import collections
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from voicecoach import catalog  # noqa: E402
from voicecoach.composed import compose_routine  # noqa: E402
from voicecoach.composition import (  # noqa: E402
    AREAS,
    LEVELS,
    PLACES,
    STYLES,
    WHENS,
    ComposeOptions,
)
from voicecoach.errors import UsageError  # noqa: E402
from voicecoach.plan import build_plan  # noqa: E402
from voicecoach.routine.library import load_library  # noqa: E402

MAIN_AREAS = ("hips", "glutes", "hip flexors", "hamstrings", "lower back", "adductors", "quads")


def request(rng: random.Random, typical: bool = False) -> ComposeOptions:
    """Any request (minutes 3-60, 0-3 of every area), or a typical one (5-30 minutes, 0-2 of
    the hip, leg and back areas the library is built around)."""
    when = rng.choice(WHENS)
    styles = (None, "dynamic") if when == "before-run" else (None, *STYLES)
    areas = MAIN_AREAS if typical else sorted(AREAS)
    return ComposeOptions(
        minutes=rng.randint(5, 30) if typical else rng.randint(3, 60),
        focus=tuple(rng.sample(areas, rng.randint(0, 2 if typical else 3))),
        when=when,
        place=rng.choice(PLACES),
        style=rng.choice(styles),
        level=rng.choice(LEVELS),
        tight_side=rng.choice((None, "left", "right")),
        seed=str(rng.randrange(10**6)),
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    library = load_library()

    routine = catalog.load("hips-and-lower-back")
    start = time.perf_counter()
    for _ in range(20):
        build_plan(routine)
    baseline = (time.perf_counter() - start) / 20

    typical = [request(rng, typical=True) for _ in range(args.requests)]
    made = 0
    for options in typical:
        try:
            compose_routine(options, library=library)
            made += 1
        except UsageError:
            pass
    print(f"{args.requests} typical requests (5-30 min, 0-2 hip, leg or back areas, any moment, "
          f"place and style): {made} composed, {args.requests - made} refused")

    errors: list[float] = []
    times: list[float] = []
    by_minutes: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    reasons: collections.Counter[str] = collections.Counter()
    for _ in range(args.requests):
        options = request(rng)
        band = "3-10" if options.minutes <= 10 else "11-30" if options.minutes <= 30 else "31-60"
        start = time.perf_counter()
        try:
            composition, _ = compose_routine(options, library=library)
        except UsageError as error:
            times.append(time.perf_counter() - start)
            reasons[str(error).split(":")[1].split(",")[0].strip()[:40]] += 1
            by_minutes[band][1] += 1
            continue
        times.append(time.perf_counter() - start)
        by_minutes[band][0] += 1
        errors.append(100 * (composition.seconds / 60 - options.minutes) / options.minutes)

    print(f"{args.requests} requests of any kind: {len(errors)} composed, "
          f"{sum(reasons.values())} refused")
    for band in ("3-10", "11-30", "31-60"):
        made, refused = by_minutes[band]
        print(f"  {band:>5} min: {made} composed, {refused} refused")
    for reason, count in reasons.most_common(4):
        print(f"  refused {count:>3}x: {reason}")
    if errors:
        absolute = [abs(e) for e in errors]
        print(
            "Length error, % of the minutes asked for: "
            f"min {min(errors):+.1f}, median {statistics.median(errors):+.1f}, "
            f"max {max(errors):+.1f}; |error| median {statistics.median(absolute):.1f}, "
            f"p90 {percentile(absolute, 90):.1f}, max {max(absolute):.1f} (target: within 10)"
        )
    print(
        f"Composing: median {1000 * statistics.median(times):.0f} ms, "
        f"p90 {1000 * percentile(times, 90):.0f} ms, max {1000 * max(times):.0f} ms "
        f"(baseline: one plan of hips-and-lower-back, {1000 * baseline:.1f} ms)"
    )


if __name__ == "__main__":
    main()
