"""Composing a routine from the stretch library: a pure function from options, the library and
a seed to an ordered list of stretches with their doses.

The planned length is measured by a function the caller passes in (the real one builds the
plan, speech included), so that nothing here does I/O, reads a clock or imports the model.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence

from voicecoach.composition import (
    AREAS,
    DEFAULT_FOCUS,
    DOSES,
    FAIR_SHARE,
    MIN_MINUTES,
    TOLERANCE,
    ComposeOptions,
    Composition,
    LibraryEntry,
    Measure,
    Pick,
    area_seconds,
    check_options,
    covers,
    dose,
    fits,
    order_key,
    shares,
)
from voicecoach.errors import UsageError
from voicecoach.timefmt import duration, plural

CLOSE_ENOUGH = 0.015  # the search for doses stops this close to the minutes asked for
SCALES = (0.2, 6.0)  # the doses searched, relative to the usual ones (clamped to the level's)


class _Composer:
    """One composition: the pool of stretches that fit, picked and dosed to fill the time."""

    def __init__(
        self, options: ComposeOptions, library: Mapping[str, LibraryEntry], measure: Measure
    ) -> None:
        self.options = options
        self.library = library
        self.measure = measure
        self.level = DOSES[options.level]
        self.target = options.minutes * 60.0
        rng = random.Random(f"voicecoach compose {options.seed}")
        draws = {stretch_id: rng.random() for stretch_id in library}
        self.pool = [i for i in library if fits(library[i], options)]
        self.ranked: dict[str, list[str]] = {}
        for area in options.focus or AREAS:
            found = [i for i in self.pool if covers(library[i], area)]
            # Stretches aimed at the area (it is their first target) come up more often.
            self.ranked[area] = sorted(found, key=lambda i, a=area: self._weight(i, a, draws))
        self.draws = draws
        self.limited_by: str | None = None  # a focus area that ran out of stretches first
        # Asked for nothing in particular: the usual areas, those of them that anything fits.
        self.areas = options.focus or (
            tuple(a for a in DEFAULT_FOCUS if self.ranked[a])
            or tuple(a for a in AREAS if self.ranked[a])
        )

    def _weight(self, stretch_id: str, area: str, draws: Mapping[str, float]) -> float:
        entry = self.library[stretch_id]
        weight = draws[stretch_id]
        if entry.targets[0] not in AREAS[area]:
            weight += 0.6
        if self.options.level == "gentle" and not entry.gentle:
            weight += 0.5
        if self.options.tight_side and entry.sides != "each":
            weight += 0.5  # a tighter side is worked by stretches done one side at a time
        return weight

    # --- arranging ----------------------------------------------------------------------------

    def arranged(self, picks: Sequence[Pick], scale: float) -> list[Pick]:
        """The picks in order, each with its dose."""
        ordered = sorted(
            picks,
            key=lambda p: (*order_key(self.library[p.id]), not self.library[p.id].gentle),
        )
        return [dose(self.library[p.id], p, picks, self.level, self.library, scale)
                for p in ordered]

    def length(self, picks: Sequence[Pick], scale: float) -> float:
        return self.measure(self.arranged(picks, scale))

    def area_seconds(self, picks: Sequence[Pick]) -> dict[str, float]:
        return area_seconds(self.arranged(picks, 1.0), self.areas, self.library)

    def next_pick(self, picks: Sequence[Pick]) -> Pick | None:
        """A stretch for the area with the least time so far that still has one to give."""
        used = {p.id for p in picks}
        seconds = self.area_seconds(picks)
        counts = {a: sum(1 for p in picks if p.area == a) for a in self.areas}
        for area in sorted(self.areas, key=lambda a: (seconds[a], counts[a])):
            for stretch_id in self.ranked[area]:
                if stretch_id not in used:
                    return self._in_proportion(picks, Pick(stretch_id, area))
        if self.options.focus:
            return None
        # No focus asked for and the usual areas used up: anything else that fits.
        rest = sorted((i for i in self.pool if i not in used), key=self.draws.__getitem__)
        return Pick(rest[0], self.library[rest[0]].targets[0]) if rest else None

    def _in_proportion(self, picks: Sequence[Pick], pick: Pick) -> Pick | None:
        """`pick`, unless it would leave a focus area (out of stretches) below half its part."""
        if not self.options.focus:
            return pick
        short = [  # at any dose the search may settle on
            a for scale in (SCALES[0], 1.0, SCALES[1])
            for a, share in shares(
                self.arranged([*picks, pick], scale), self.areas, self.library
            ).items()
            if share < FAIR_SHARE
        ]
        if short:
            self.limited_by = short[0]
            return None
        return pick

    def first_round(self) -> list[Pick]:
        """Every focus area worked by at least one stretch, with as few stretches as can be."""
        picks: list[Pick] = []
        for area in self.areas:
            uncovered = [a for a in self.areas if a not in self.covered(picks)]
            if area not in uncovered:
                continue
            free = [i for i in self.ranked[area] if i not in {p.id for p in picks}]
            if not free:
                raise UsageError(self._why_not(f"too few stretches for {area} fit"))
            best = max(
                free,
                key=lambda i: (
                    sum(covers(self.library[i], a) for a in uncovered),
                    self.library[i].gentle,  # fewer gentle openers to add
                    -free.index(i),
                ),
            )
            picks.append(Pick(best, area))
        return picks

    def covered(self, picks: Sequence[Pick]) -> set[str]:
        return {a for p in picks for a in self.areas if covers(self.library[p.id], a)}

    def gentle_start(self, picks: list[Pick]) -> list[Pick]:
        """The picks, with a gentle stretch added at the start when the first one is not."""
        first = self.library[self.arranged(picks, 1.0)[0].id]
        if first.gentle:
            return picks
        used = {p.id for p in picks}
        options = [
            i for i in self.pool
            if i not in used and self.library[i].gentle
            and order_key(self.library[i]) <= order_key(first)
        ]
        if not options:
            raise UsageError(self._why_not("no gentle stretch to begin with fits"))

        def preference(i: str) -> tuple[bool, float]:
            return not any(covers(self.library[i], a) for a in self.areas), self.draws[i]

        chosen = min(options, key=preference)
        area = next(
            (a for a in self.areas if covers(self.library[chosen], a)),
            self.areas[0],
        )
        return [*picks, Pick(chosen, area)]

    # --- filling the time ---------------------------------------------------------------------

    def compose(self) -> Composition:
        if not self.areas:
            raise UsageError(self._why_not("no stretch fits"))
        for area in self.areas:
            if not self.ranked[area]:
                raise UsageError(self._why_not(f"no stretch for {area} fits"))
        picks = self.gentle_start(self.first_round())
        current = self.length(picks, 1.0)
        while current < self.target:
            pick = self.next_pick(picks)
            if pick is None:
                break
            bigger = self.gentle_start([*picks, pick])
            longer = self.length(bigger, 1.0)
            if longer >= self.target and self.target - current < longer - self.target:
                break  # one stretch fewer, held a little longer, comes closer
            picks, current = bigger, longer
        scale = self.fit_scale(picks)
        seconds = self.length(picks, scale)
        if seconds < (1 - CLOSE_ENOUGH) * self.target:
            # Even the longest doses fall short: one stretch more, held shorter, may fit.
            pick = self.next_pick(picks)
            if pick is not None:
                more = self.gentle_start([*picks, pick])
                more_scale = self.fit_scale(more)
                more_seconds = self.length(more, more_scale)
                if abs(more_seconds - self.target) < abs(seconds - self.target):
                    picks, scale, seconds = more, more_scale, more_seconds
        arranged = self.arranged(picks, scale)
        self.check_length(picks, seconds)
        return Composition(self.options, tuple(arranged), seconds, scale, self.notes(picks))

    def fit_scale(self, picks: Sequence[Pick]) -> float:
        """The dose scale that brings the planned length closest to the time asked for."""
        low, high = SCALES
        best, best_error = 1.0, abs(self.length(picks, 1.0) - self.target)
        for _ in range(14):
            if best_error <= CLOSE_ENOUGH * self.target:
                break
            middle = (low + high) / 2
            seconds = self.length(picks, middle)
            if abs(seconds - self.target) < best_error:
                best, best_error = middle, abs(seconds - self.target)
            if seconds < self.target:
                low = middle
            else:
                high = middle
        return round(best, 3)

    def check_length(self, picks: Sequence[Pick], seconds: float) -> None:
        if abs(seconds - self.target) <= TOLERANCE * self.target:
            return
        if seconds < self.target:
            longest = max(MIN_MINUTES, math.floor(seconds / 60 / (1 - TOLERANCE)))
            if self.limited_by is not None:
                few = len(self.ranked[self.limited_by])
                reason = (
                    f"only {plural(few, 'stretch')} for {self.limited_by} "
                    f"{'fits' if few == 1 else 'fit'}, and with the other areas kept in "
                    f"proportion and the longest holds and reps the routine lasts about "
                    f"{duration(seconds)}, not {self.options.minutes} min"
                )
            else:
                reason = (
                    f"only {plural(len(picks), 'stretch')} {'fits' if len(picks) == 1 else 'fit'}"
                    f", and with the longest holds and reps the routine lasts about "
                    f"{duration(seconds)}, not {self.options.minutes} min"
                )
            raise UsageError(self._why_not(reason, longest))
        shortest = math.ceil(seconds / 60 / (1 + TOLERANCE))
        raise UsageError(
            f"{self.options.minutes} min is too short for {self._request()}: one stretch "
            f"per focus area, with the shortest holds and reps, lasts about {duration(seconds)}. "
            f"Ask for {shortest} minutes or more, or for fewer focus areas"
        )

    def notes(self, picks: Sequence[Pick]) -> tuple[str, ...]:
        used = {p.id for p in picks}
        notes = []
        for area in self.options.focus:
            if all(i in used for i in self.ranked[area]) and len(self.areas) > 1:
                notes.append(f"every stretch for {area} that fits is in")
        return tuple(notes)

    def _request(self) -> str:
        o = self.options
        parts = [f"--focus {', '.join(o.focus)}"] if o.focus else []
        parts += [f"--place {o.place}", f"--when {o.when}"]
        if o.style is not None:
            parts.append(f"--style {o.style}")
        return " ".join(parts)

    def _why_not(self, reason: str, longest: int | None = None) -> str:
        o = self.options
        tries = []
        if longest is not None and longest < o.minutes:
            tries.append(f"ask for {longest} minutes or fewer")
        if o.place != "floor":
            tries.append("--place floor (it allows the most stretches)")
        if o.style not in (None, "mixed") and o.when != "before-run":
            tries.append("another --style")
        if o.when != "anytime":
            tries.append("--when anytime")
        if o.focus or not tries:
            tries.append("more focus areas")
        return f"cannot compose {self._request()}: {reason}. Try: {'; '.join(tries)}"


def compose(
    options: ComposeOptions, library: Mapping[str, LibraryEntry], measure: Measure
) -> Composition:
    """The routine for `options` (seed included) from `library`; UsageError, with the reason,
    when no routine within 10 % of the minutes asked for can be made."""
    return _Composer(check_options(options), library, measure).compose()
