"""Voice commands: how often each is heard, how often the coach's own voice sets one off, how fast.

Run: python benchmarks/voice_commands.py [--quick] [--tune] [--without-own-words]

Every command phrase is rendered with every installed voice at three speeds, then mixed with
pink noise or with the coach's own speech at 20, 10 and 5 dB below it, and fed in 0.1 s chunks
through the same recogniser code `run --listen` uses. The coach's audio for false alarms is every
shipped routine rendered with the default eSpeak voice, hibari "heart" and Piper "joe", played
into a simulated room (0.5 s reverberation, 0.1 s output latency, a little noise), and fed in
whole (ungated) and gated by the routine's timeline as the player gates it.

Each recogniser knows the coach's lines, as in `run --listen`: those of the routine it hears, or
of every routine for the test clips. `--without-own-words` measures it without them on the very
same clips. The delay runs to the end of the work that reported the command (its chunk's CPU).
Baseline in the same run: the bare command words with no wake word.
Targets: detection >= 95 % at 10 dB, <= 1 false alarm an hour ungated and none gated, acted on
within 0.8 s of the end of the command, under 10 % of one core.
`--tune` instead records the evidence for every phrase weighed (all turned down) on true commands
at 10 dB and half the routines, and prints each command's thresholds (benchmarks/voice_tune.py).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import voice_audio as va

from voicecoach.listen.gate import Gate, GatedListener
from voicecoach.listen.spotter import KeywordSpotter
from voicecoach.listen.vocabulary import (
    WAKE_WORD,
    Vocabulary,
    bare_vocabulary,
    spoken_lines,
    vocabulary,
)

SNRS = (20, 10, 5)
CHUNK = 1600  # 0.1 s: what the microphone hands over at a time
LEAD, TAIL = 0.8, 1.0  # seconds of interference before and after each command
LATENCY = 0.1  # seconds from a line's scheduled start to its sound leaving the loudspeaker
GATE_TAILS = (0.0, 0.5)
FLOOR_RNG = np.random.default_rng(5)
ALL_CONDITIONS = [("clean", None)] + [(k, s) for s in SNRS for k in ("noise", "coach")]
TARGET_DETECTION, TARGET_FA, TARGET_DELAY, TARGET_CPU = 0.95, 1.0, 0.8, 0.10


def spoken(words: Vocabulary, phrase: str) -> str:
    """How a person says a phrase: 'Okay coach, pause.' (or 'Pause.' with no wake word)."""
    if words.wake is None:
        return phrase.capitalize() + "."
    return f"{words.wake.capitalize()}, {phrase}."


@dataclass
class Segment:
    """One command clip in a test stream: where its speech lies, in samples of the stream."""

    phrase: str
    command: str
    voice: str
    condition: str
    speech: tuple[int, int]
    bounds: tuple[int, int]


@dataclass
class Stream:
    audio: list[np.ndarray] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    length: int = 0

    def add(self, clip: np.ndarray, noise: np.ndarray, snr: float | None, seg: Segment) -> None:
        lead, tail = int(LEAD * va.RATE), int(TAIL * va.RATE)
        padded = np.concatenate([np.zeros(lead, np.float32), clip, np.zeros(tail, np.float32)])
        a, b = va.active_span(clip)
        mixed = padded
        if snr is not None:  # the level is set against the speech alone, not its silences
            mixed = padded + noise[: len(padded)] * _gain(clip[a:b], noise, snr)
            peak = float(np.max(np.abs(mixed)))
            mixed = mixed / peak * 0.9 if peak > 0.99 else mixed
        # Every microphone hears a little of the room (about -54 dBFS), even in the quiet.
        mixed = mixed + FLOOR_RNG.normal(0.0, 0.002, len(mixed))
        seg.speech = (self.length + lead + a, self.length + lead + b)
        seg.bounds = (self.length, self.length + len(mixed))
        self.audio.append(mixed.astype(np.float32))
        self.segments.append(seg)
        self.length += len(mixed)

    def pcm(self) -> bytes:
        return va.to_pcm(np.concatenate(self.audio))


def _gain(speech: np.ndarray, noise: np.ndarray, snr: float) -> float:
    power = float(np.mean(speech**2)) or 1e-12
    return math.sqrt(power / (float(np.mean(noise**2)) or 1e-12) / 10 ** (snr / 10))


def render_commands(voices: list[va.Voice], words: Vocabulary) -> dict:
    clips = {}
    for voice in voices:
        for p in words.commands:
            text = spoken(words, p.text)
            clips[(voice.label, voice.speed, text)] = voice.render(text)
    return clips


def routine_audio(voices: list[va.Voice], names: list[str], rng: np.random.Generator):
    """Each routine in each voice as a microphone hears it, with its lines' planned spans."""
    from voicecoach import catalog
    from voicecoach.plan import PlanOptions, build_plan

    out = []
    for voice in voices:
        for name in names:
            routine = catalog.load(name)
            cache: dict[str, np.ndarray] = {}

            def clip(text: str) -> np.ndarray:
                if text not in cache:
                    cache[text] = voice.render(text)
                return cache[text]

            plan = build_plan(
                routine, PlanOptions(), speech_seconds=lambda t: len(clip(t)) / va.RATE
            )
            total = int((plan.total_ms / 1000 + 1.0) * va.RATE)
            dry = np.zeros(total, np.float32)
            for e in plan.says:
                x = clip(e.text)
                at = int((e.start_ms / 1000 + LATENCY) * va.RATE)
                dry[at : at + len(x)] += x[: total - at]
            wet = va.room(dry, rng)[:total]
            wet += va.pink_noise(total, rng) * 10 ** (-45 / 20)
            out.append((f"{name} / {voice.label}", plan, wet))
    return out


def shipped_routines(quick: bool) -> list[str]:
    from voicecoach import catalog

    names = [e.name for e in catalog.entries() if e.builtin]
    return names[:1] if quick else names


# The CPU seconds spent on the chunk that reported each detection: it was reported that much
# after its chunk arrived.
COSTS: dict = {}


def feed(listener, pcm: bytes) -> tuple[list, float]:
    """Every detection in `pcm` fed in chunks, and the CPU seconds the recogniser used."""
    found, cpu = [], 0.0
    for i in range(0, len(pcm), CHUNK * 2):
        t = time.process_time()
        heard = listener(pcm[i : i + CHUNK * 2])
        spent = time.process_time() - t
        cpu += spent
        for detection in heard:
            COSTS[id(detection)] = spent
        found += heard
    return found, cpu


def score_streams(words: Vocabulary, streams: dict[str, Stream], lines: list[str]):
    """Per segment: whether its command was heard, wrong commands, the delay, and for a miss
    why (MISSES)."""
    results = []
    cpu = seconds = 0.0
    for stream in streams.values():
        spotter = KeywordSpotter(words, lines)
        weighed: list[tuple[str, float]] = []  # (command, seconds fed) of each phrase weighed
        spotter.on_weighed = lambda phrase, evidence, at, heard: weighed.append(
            (phrase.command, at))
        found, used = feed(spotter.feed, stream.pcm())
        cpu += used
        seconds += stream.length / va.RATE
        by_segment = defaultdict(list)
        weighed_in = defaultdict(set)
        ends = [s.bounds[1] / va.RATE for s in stream.segments]
        for d in found:
            i = int(np.searchsorted(ends, d.end))
            if i < len(stream.segments):
                by_segment[i].append(d)
        for command, at in weighed:
            weighed_in[int(np.searchsorted(ends, at))].add(command)
        for i, seg in enumerate(stream.segments):
            hits = by_segment[i]
            right = [d for d in hits if d.command == seg.command
                     and d.end >= seg.speech[0] / va.RATE]
            wrong = [d for d in hits if d not in right]
            delay = None
            if right:
                delay = right[0].reported - seg.speech[1] / va.RATE + COSTS[id(right[0])]
                why = ""
            elif seg.command in weighed_in[i]:
                why = "turned down"
            elif weighed_in[i]:
                why = "other phrase"
            else:
                why = "not spotted"
            results.append((seg, bool(right), len(wrong), delay, why))
    return results, cpu, seconds


MISSES = ("not spotted", "other phrase", "turned down")
SPEEDS = {"130": "slow", "160": "mid", "200": "fast", "0.85": "slow", "1.0": "mid", "1.2": "fast"}


def _speed(voice: str) -> str:
    """slow, mid or fast, from a voice's label and speed (Piper's length scale runs backwards)."""
    label, speed = voice.rsplit(" ", 1)
    name = SPEEDS[speed]
    if label.startswith("piper") and name != "mid":
        name = "fast" if name == "slow" else "slow"
    return name


def breakdown(results, names: list[str]) -> None:
    """Detection by voice, by speed and by phrase, each condition; and why the misses were."""
    groups = [("voice", lambda seg: seg.voice.rsplit(" ", 1)[0]),
              ("speed", lambda seg: _speed(seg.voice)),
              ("phrase", lambda seg: seg.phrase)]
    for title, key in groups:
        table: dict = defaultdict(lambda: [0, 0])
        for seg, ok, _, _, _ in results:
            table[(key(seg), seg.condition)][0] += ok
            table[(key(seg), seg.condition)][1] += 1
        print(f"{'by ' + title:22}" + "".join(f"{n:>9}" for n in names))
        for row in dict.fromkeys(key(seg) for seg, *_ in results):
            print(f"{row[:22]:22}" + "".join(f"{_pct(table[(row, n)]):>9}" for n in names))
    why: dict = defaultdict(int)
    for seg, ok, _, _, reason in results:
        if not ok:
            why[(reason, seg.condition)] += 1
    print(f"{'misses: why':22}" + "".join(f"{n:>9}" for n in names))
    for reason in MISSES:
        print(f"{reason:22}" + "".join(f"{why[(reason, n)]:>9}" for n in names))


def false_alarms(make_spotter, routines, tails) -> dict:
    """Detections over the coach's own audio: ungated, and gated with each tail."""
    figures: dict = {"hours": 0.0, "ungated": 0, "cpu": 0.0, "examples": []}
    gated = {tail: 0 for tail in tails}
    gated_cpu = 0.0
    for label, plan, audio in routines:
        pcm = va.to_pcm(audio)
        figures["hours"] += len(audio) / va.RATE / 3600
        found, cpu = feed(make_spotter(plan).feed, pcm)
        figures["ungated"] += len(found)
        figures["cpu"] += cpu
        for d in found:
            figures["examples"].append((label, d, _line_near(plan, d.end)))
        for tail in tails:
            listener = GatedListener(make_spotter(plan), Gate.from_plan(plan, tail))
            got, cpu = feed(lambda chunk, lst=listener: lst.hear(chunk, va.RATE), pcm)
            gated[tail] += len(got)
            if tail == tails[-1]:
                gated_cpu += cpu
    figures["gated"] = gated
    figures["gated_cpu"] = gated_cpu if tails else float("nan")
    return figures


def _line_near(plan, t: float) -> str:
    says = [e for e in plan.says if e.start_ms / 1000 <= t]
    return says[-1].text if says else ""


def build_streams(voices, clips, words, rng, noise_routine, conditions) -> dict[str, Stream]:
    streams: dict[str, Stream] = {}
    pink = va.pink_noise(va.RATE * 60, rng)
    speech = noise_routine
    for kind, snr in conditions:
        name = "clean" if snr is None else f"{kind} {snr}"
        stream = streams.setdefault(name, Stream())
        for voice in voices:
            for p in words.commands:
                clip = clips[(voice.label, voice.speed, spoken(words, p.text))]
                n = int((LEAD + TAIL) * va.RATE) + len(clip)
                source = pink if kind == "noise" else speech
                start = int(rng.integers(0, len(source) - n))
                noise = source[start : start + n]
                seg = Segment(p.text, p.command, f"{voice.label} {voice.speed}", name, (0, 0),
                              (0, 0))
                stream.add(clip, noise, snr, seg)
    return streams


def coach_speech(routines) -> np.ndarray:
    """The coach's lines back to back (silences cut): the speech that commands compete with."""
    parts = []
    for _, plan, audio in routines:
        for e in plan.says:
            a = int((e.start_ms / 1000 + LATENCY) * va.RATE)
            parts.append(audio[a : a + int(e.duration_ms / 1000 * va.RATE)])
    return np.concatenate(parts)


# --- the figures --------------------------------------------------------------------------------

def report(title: str, words, voices, clips, routines, coach, rng, tails, conditions,
           own_words: bool = True) -> dict:
    """The figures for `words`; with `own_words`, each recogniser knows the coach's lines (those
    of the routine it hears, or of every routine for the test clips), as `run --listen` does."""
    streams = build_streams(voices, clips, words, rng, coach, conditions)
    every_line = sorted({line for _, plan, _ in routines for line in spoken_lines(plan)})
    results, cpu, seconds = score_streams(words, streams, every_line if own_words else [])
    print(f"\n== {title}: {len(words.commands)} phrases, {len(results)} clips "
          f"({seconds / 60:.0f} min of audio)")
    table: dict = defaultdict(lambda: [0, 0])
    wrong = 0
    delays = []
    slowest: dict[str, float] = {}  # the longest delay in each of those conditions
    for seg, ok, bad, delay, _ in results:
        table[(seg.command, seg.condition)][0] += ok
        table[(seg.command, seg.condition)][1] += 1
        wrong += bad
        if delay is not None and seg.condition in ("clean", "noise 10", "coach 10"):
            delays.append(delay)
            slowest[seg.condition] = max(delay, slowest.get(seg.condition, 0.0))
    names = list(streams)
    print("detection  " + "".join(f"{n:>10}" for n in names))
    for command in dict.fromkeys(p.command for p in words.commands):
        row = "".join(f"{_pct(table[(command, n)]):>10}" for n in names)
        print(f"{command:10} {row}")
    commands = {p.command for p in words.commands}
    totals = [[sum(table[(c, n)][i] for c in commands) for i in (0, 1)] for n in names]
    print(f"{'all':10} " + "".join(f"{_pct(t):>10}" for t in totals))
    breakdown(results, names)
    print(f"wrong commands heard around the clips: {wrong} "
          f"(over {seconds / 3600:.2f} h of noisy test audio)")
    fa = false_alarms(
        lambda plan: KeywordSpotter(words, list(spoken_lines(plan)) if own_words else []),
        routines, tails)
    per_hour = fa["ungated"] / fa["hours"]
    print(f"false alarms in the coach's own audio ({fa['hours']:.2f} h): ungated {fa['ungated']}"
          f" ({per_hour:.2f}/h); gated, by tail: "
          + ", ".join(f"{t:.2f} s: {n}" for t, n in fa["gated"].items()))
    for label, d, line in fa["examples"][:8]:
        print(f"  ungated {d.phrase!r} at {d.end:.1f} s in {label}, near {line!r}")
    q = sorted(delays)
    p95 = q[int(0.95 * (len(q) - 1))] if q else float("nan")
    print(f"delay from the end of a command to its report (clean and 10 dB, {len(q)}): "
          f"median {statistics.median(q) if q else float('nan'):.2f} s, 95th {p95:.2f} s, "
          f"max {max(q) if q else float('nan'):.2f} s ("
          + ", ".join(f"{name} {t:.2f} s" for name, t in slowest.items()) + ")")
    listen_cpu = fa["cpu"] / (fa["hours"] * 3600)
    print(f"CPU listening: {listen_cpu:.1%} of one core ungated, "
          f"{fa['gated_cpu'] / (fa['hours'] * 3600):.1%} gated; "
          f"{cpu / seconds:.1%} over the test clips")
    at10 = [_rate(totals[names.index(n)]) for n in names if n.endswith(" 10")]
    return {"detection10": min(at10), "fa_ungated": per_hour, "fa_gated": fa["gated"],
            "delay": max(q) if q else float("inf"), "cpu": listen_cpu,
            "per_command10": {c: min(_rate(table[(c, n)]) for n in names if n.endswith(" 10"))
                              for c in set(p.command for p in words.commands)}}


def _rate(pair) -> float:
    return pair[0] / pair[1] if pair[1] else float("nan")


def _pct(pair) -> str:
    return f"{_rate(pair):.1%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one routine, fewer voices")
    parser.add_argument("--tune", action="store_true", help="score each phrase's thresholds")
    parser.add_argument("--only", choices=("ours", "baseline"), help="measure just one of them")
    parser.add_argument("--without-own-words", action="store_true",
                        help="ours without the coach's lines known: what they are worth")
    parser.add_argument("--coach-voices", default="espeak,hibari,piper",
                        help="the voices the coach's own audio is rendered with")
    args = parser.parse_args()
    rng = np.random.default_rng(17)
    started = time.monotonic()
    voices = va.all_voices()
    if args.quick:
        voices = [v for v in voices if v.speed in ("160", "1.0")][::2]
    print(f"{len(voices)} voices x speeds: " + ", ".join(
        sorted({v.label for v in voices})), flush=True)
    names = shipped_routines(args.quick)
    if args.tune:
        names = names[::2]  # half of them: tuning is then checked on all of them
    wanted = args.coach_voices.split(",")
    coach_voices = [v for v in va.routine_voices() if v.label.split()[0] in wanted]
    routines = routine_audio(coach_voices, names, rng)
    coach = coach_speech(routines)
    if args.tune:
        import voice_tune

        voice_tune.tune(voices, routines, coach, rng, vocabulary())
        return
    ours_words, bare = vocabulary(), bare_vocabulary()
    clips = render_commands(voices, ours_words) | render_commands(voices, bare)
    if args.only != "ours":
        # The baseline is heard on less: clean and at 10 dB, and half the routines, ungated.
        base = report("baseline: bare command words, no wake word", bare, voices, clips,
                      routines[::2], coach, rng, (), ALL_CONDITIONS[:1] + ALL_CONDITIONS[3:5])
        print(f"baseline figures: {base}")
    if args.only == "baseline":
        return
    # Mixed with a generator of their own, so that runs with and without the baseline, or
    # without the coach's own words, hear the very same clips.
    title = f"wake word {WAKE_WORD!r} (what `run --listen` uses)"
    if args.without_own_words:
        title = f"wake word {WAKE_WORD!r}, the coach's lines not known"
    ours = report(title, ours_words, voices, clips, routines, coach, np.random.default_rng(18),
                  GATE_TAILS, ALL_CONDITIONS, own_words=not args.without_own_words)
    if args.only == "ours":
        print(f"figures: {ours}")
        return
    from voicecoach.listen.gate import TAIL_SECONDS

    print("\nTargets, with the wake word (baseline in brackets):")
    checks = [
        ("detection at 10 dB (worst of noise/coach)", ours["detection10"] >= TARGET_DETECTION,
         f"{ours['detection10']:.1%} [{base['detection10']:.1%}] >= 95 %"),
        ("false alarms ungated", ours["fa_ungated"] <= TARGET_FA,
         f"{ours['fa_ungated']:.2f}/h [{base['fa_ungated']:.2f}/h] <= 1/h"),
        ("false alarms gated", ours["fa_gated"].get(TAIL_SECONDS, 1) == 0,
         f"{ours['fa_gated'].get(TAIL_SECONDS)} with the {TAIL_SECONDS} s tail"),
        ("delay", ours["delay"] <= TARGET_DELAY, f"max {ours['delay']:.2f} s <= 0.8 s"),
        ("CPU", ours["cpu"] < TARGET_CPU, f"{ours['cpu']:.1%} [{base['cpu']:.1%}] < 10 %"),
    ]
    for name, ok, text in checks:
        print(f"  {'ok  ' if ok else 'MISS'} {name}: {text}")
    print(f"({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
