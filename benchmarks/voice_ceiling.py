"""Voice commands: how well the recogniser itself tells the phrases apart, told where each was said.

Run: python benchmarks/voice_ceiling.py [--conditions "clean,noise 10,coach 10"]

The same clips as benchmarks/voice_commands.py (every command phrase, every installed voice, three
speeds, mixed with pink noise or the coach's own speech), but each clip's audio is handed over
whole: 0.8 s before the command, the command, 1 s after. The grammar of exactly the phrases must
then name one of them (a forced choice), so nothing is missed for want of being spotted, waited
for or turned down. That is as well as any decision over this grammar can do: a ceiling.

Printed per condition:
- forced choice: the grammar names the right phrase (as `run --listen` sets it up);
- ... and read with the coach's own words, the reading agrees (what `run --listen` requires);
- ... without the lattice's best-path pass (bestpath off): the grammar's forward pass alone;
- baseline in the same run: the spotter as `run --listen` uses it, fed the same stream in 0.1 s
  chunks.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import voice_audio as va
import voice_commands as vc

from voicecoach.listen import spotter as sp
from voicecoach.listen.verify import decode
from voicecoach.listen.vocabulary import grammar, spoken_lines, vocabulary


def _forward_only(words) -> object:
    """The grammar decoder without the best-path pass over its lattice."""
    pocketsphinx = sp.load_recogniser()
    real = pocketsphinx.Decoder
    pocketsphinx.Decoder = lambda **settings: real(**settings, bestpath=False)
    try:
        return sp.KeywordSpotter._make_decoder({"jsgf": (grammar(words), ".gram")})
    finally:
        pocketsphinx.Decoder = real


def ceiling(words, stream: vc.Stream, lines: list[str]) -> dict[str, int]:
    """Per measure, how many of the stream's clips come out right."""
    spotter = sp.KeywordSpotter(words, lines)
    forward = _forward_only(words)
    pcm = stream.pcm()
    right = {"forced choice": 0, "... and the reading agrees": 0, "... bestpath off": 0}
    for seg in stream.segments:
        audio = pcm[2 * seg.bounds[0] : 2 * seg.bounds[1]]
        for name, decoder in (("forced choice", spotter._chooser), ("... bestpath off", forward)):
            decode(decoder, sp.GRAMMAR, audio)
            hypothesis = decoder.hyp()
            named = spotter.phrases.get(hypothesis.hypstr.strip() if hypothesis else "")
            ok = named is not None and named.command == seg.command
            right[name] += ok
            if ok and decoder is spotter._chooser:
                read = spotter._read(named, audio)
                agrees = read is not None and read.command == seg.command
                right["... and the reading agrees"] += agrees
    return right


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conditions", default="clean,noise 10,coach 10",
                        help="comma-separated, of: clean, noise 20|10|5, coach 20|10|5")
    args = parser.parse_args()
    wanted = args.conditions.split(",")
    conditions = [(kind, snr) for kind, snr in vc.ALL_CONDITIONS
                  if ("clean" if snr is None else f"{kind} {snr}") in wanted]
    started = time.monotonic()
    rng = np.random.default_rng(17)
    voices = va.all_voices()
    words = vocabulary()
    routines = vc.routine_audio(va.routine_voices(), vc.shipped_routines(False), rng)
    coach = vc.coach_speech(routines)
    lines = sorted({line for _, plan, _ in routines for line in spoken_lines(plan)})
    clips = vc.render_commands(voices, words)
    streams = vc.build_streams(voices, clips, words, np.random.default_rng(18), coach, conditions)
    print(f"{len(voices)} voices x speeds, {len(words.commands)} phrases; "
          f"ready in {time.monotonic() - started:.0f} s", flush=True)
    print(f"\n{'':28}" + "".join(f"{name:>12}" for name in streams))
    rows: dict[str, list[str]] = {}
    for name, stream in streams.items():
        count = len(stream.segments)
        for measure, right in ceiling(words, stream, lines).items():
            rows.setdefault(measure, []).append(f"{right / count:12.1%}")
        results, _, _ = vc.score_streams(words, {name: stream}, lines)
        heard = sum(ok for _, ok, _, _, _ in results)
        rows.setdefault("baseline: the spotter", []).append(f"{heard / count:12.1%}")
    for measure, cells in rows.items():
        print(f"{measure:28}" + "".join(cells))
    print(f"({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
