"""Keyword spotting with PocketSphinx: 16 kHz mono 16-bit PCM in, commands out.

PocketSphinx compares each phrase against a free loop of phones; a phrase is spotted when it beats
that loop by its threshold. A grammar of exactly the phrases then says which one was said, and
the phrase it places is weighed before it is taken: the coach's own lines set off spotting now
and then. Given the lines the coach will say, the audio is read again with a model of those
lines and the commands (listen/own_words.py), where the coach's speech reads as what it said;
without them, the phrase's fit and phones are checked (listen/verify.py). The wheel carries the
US English model and dictionary, so nothing is ever downloaded.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from voicecoach.errors import ListenError
from voicecoach.listen.verify import PHONE_LOOP, Evidence, decode, weigh, word_of
from voicecoach.listen.vocabulary import (
    SAMPLE_RATE,
    VOCABULARY,
    Phrase,
    Vocabulary,
    grammar,
    keyword_list,
)

INSTALL_HINT = "voice commands need PocketSphinx: pip install 'voicecoach[listen]'"
FRAME_SECONDS = 0.01  # the recogniser's frame rate is 100 a second
KWS_MAX = 1500  # PocketSphinx subtracts this from a detection's score (kws_search.c)
LOG_BASE = 1.0001  # PocketSphinx's log base; scores are kept in steps of 2**10 of it
LOG10_PER_UNIT = 1024 * math.log10(LOG_BASE)
REPORT_DELAY_FRAMES = 10  # a detection is reported once it has stood this long unbeaten
# The free phone loop's penalty. PocketSphinx's default (0.1) let long phrases be pruned away
# before they ended; this one kept them, and separated true phrases from the coach's own lines
# best of those measured (0.1, 1e-5, 1e-20).
PHONE_LOOP_PENALTY = 1e-20
GRAMMAR = "_default"  # the name PocketSphinx gives the search its settings start with
DICTIONARY = "en-us/cmudict-en-us.dict"  # the wheel's pronouncing dictionary
PHONE_LM = "en-us/en-us-phone.lm.bin"  # phone bigrams in the wheel, for the free phone loop
SETTLE_SECONDS = 0.15  # wait this long after a command ends for a rival still being scored
TIDY_SECONDS = 30.0
KEEP_SECONDS = 5  # audio kept for the grammar to decide between rivals
QUIET_FRAMES = 15  # the phrase is over once the grammar places its end this far back
MAX_WAIT_SECONDS = 0.6  # ... or once this long has passed since a phrase was spotted
# ... or once this long has passed since the grammar first placed a whole phrase: a command said
# over continuing speech runs on into it, and the wait must not run on with it.
DECIDE_SECONDS = 0.3


@dataclass(frozen=True)
class Detection:
    """A phrase heard: which, where on the stream (seconds), and by how much it won."""

    phrase: str
    command: str
    start: float
    end: float
    log10_ratio: float  # how far it beat the phone loop, as log10 of a likelihood ratio
    reported: float  # seconds of audio fed when it was reported


REJECTED = Detection("", "", 0.0, 0.0, 0.0, 0.0)  # a phrase weighed and turned down


@dataclass(frozen=True)
class Placed:
    """The whole phrase the grammar placed last, with the audio and segments it placed it in."""

    first_at: int  # samples fed when the grammar first placed a whole phrase for this decision
    phrase: Phrase
    audio: bytes
    segments: list[Any]


def load_recogniser() -> Any:
    """The pocketsphinx module, or ListenError saying how to install it."""
    try:
        import pocketsphinx
    except ImportError as error:
        raise ListenError(INSTALL_HINT) from error
    return pocketsphinx


class KeywordSpotter:
    """Listens for a vocabulary in a stream of 16 kHz mono 16-bit PCM fed in any chunk size.

    Keyword spotting finds that some whole phrase was said (it beat a free loop of phones by its
    threshold). Phrases that share the wake word then compete on the same audio, so the last few
    seconds are decoded again against a grammar of exactly the phrases, which picks the one said;
    the phrase is taken only if, read with the coach's own words (`lines`, every line the coach
    will say), the audio still holds the wake word's name or the command; with no lines given,
    only if its evidence passes that phrase's checks. Each command is reported once,
    SETTLE_SECONDS after it ends, when its rivals are in too, and at most DECIDE_SECONDS after
    the grammar first placed it. A phrase turned down is not weighed again, but what was heard
    before it still counts, and so does a phrase spotted later that ended after it: a command
    may be under way around it."""

    def __init__(self, words: Vocabulary = VOCABULARY, lines: Iterable[str] = ()) -> None:
        self.words = words
        self.phrases = words.spotted()
        self._by_text = {p.text: p for p in self.phrases.values()}
        self._spoken_words = {w for text in self.phrases for w in text.split()}
        if not self.phrases:
            raise ListenError("no phrases to listen for")
        self._decoder = self._make_decoder({"kws": (keyword_list(words), ".kws")})
        self._chooser = (
            self._make_decoder({"jsgf": (grammar(words), ".gram")})
            if len(self.phrases) > 1 else None
        )
        if self._chooser is not None:
            model = load_recogniser().get_model_path()
            self._chooser.add_allphone_file(PHONE_LOOP, os.path.join(model, PHONE_LM))
        lines = list(lines)
        # The coach's own words, read with when the lines are known (and there are rivals).
        self._own = self._own_words_decoder(lines) if self._chooser is not None and lines else None
        self._fed = 0  # samples fed since the start
        self._utterance_start = 0  # sample at which the current utterance began
        self._placed: Placed | None = None  # the phrase being decided, once the grammar has one
        self._weighed_until = 0.0  # phrases spotted ending by then (seconds) were weighed
        self._recent = bytearray()  # the last KEEP_SECONDS of audio fed
        self._decoder.start_utt()
        # Called with each phrase weighed, taken or not (phrase, evidence or None when the
        # coach's lines are known, seconds fed, the detections spotted): for measurements.
        self.on_weighed: Callable[..., None] | None = None

    @staticmethod
    def _make_decoder(files: dict[str, tuple[str, str]]) -> Any:
        """A decoder set up from files: for each setting of `files`, its text written to a
        temporary file with its suffix (all removed once the decoder has read them)."""
        pocketsphinx = load_recogniser()
        paths: list[str] = []
        try:
            settings: dict[str, Any] = {"samprate": SAMPLE_RATE, "loglevel": "FATAL"}
            for key, (text, suffix) in files.items():
                fd, path = tempfile.mkstemp(prefix="voicecoach-", suffix=suffix, text=True)
                paths.append(path)
                with os.fdopen(fd, "w", encoding="ascii") as file:
                    file.write(text)
                settings[key] = path
            if "kws" in files:
                settings.update(kws_delay=REPORT_DELAY_FRAMES, kws_plp=PHONE_LOOP_PENALTY)
            return pocketsphinx.Decoder(**settings)
        except (RuntimeError, ValueError) as error:
            raise ListenError(f"the recogniser could not start: {error}") from error
        finally:
            for path in paths:
                os.unlink(path)

    def _own_words_decoder(self, lines: list[str]) -> Any:
        """A decoder of the coach's own words and the commands (listen/own_words.py), with a
        dictionary of just those words: it starts in milliseconds, not most of a second."""
        from voicecoach.listen.own_words import language_model, pronunciations

        model = language_model(lines, self.phrases, lambda w: bool(self._chooser.lookup_word(w)))
        dictionary = os.path.join(load_recogniser().get_model_path(), DICTIONARY)
        said = pronunciations(model, dictionary)
        return self._make_decoder({"lm": (model, ".arpa"), "dict": (said, ".dict")})

    def _read(self, chosen: Phrase, audio: bytes) -> Phrase | None:
        """The phrase `audio` holds, read with the coach's own words: the last command whose
        words it holds, or else `chosen` if it holds the wake word's name; None when it reads
        as the coach's own speech."""
        decode(self._own, GRAMMAR, audio)
        hypothesis = self._own.hyp()
        reading = hypothesis.hypstr.split() if hypothesis is not None else []
        found = [(end, phrase) for phrase in self.phrases.values()
                 for end in _ends(reading, phrase.text.split())]
        if found:
            return max(found, key=lambda item: item[0])[1]
        # The wake word's name ("coach"), not all of it: "okay" alone is read into the coach's own
        # speech too. Measured, "okay" alone let through 2 of 5 false alarms in 4.8 hours of it,
        # and just 1 of the 1,680 commands.
        name = self.words.wake.split()[-1] if self.words.wake else None
        return chosen if name in reading else None

    @property
    def seconds_fed(self) -> float:
        return self._fed / SAMPLE_RATE

    def feed(self, pcm: bytes) -> list[Detection]:
        """Hear `pcm`; the command heard by now, if any (one at most)."""
        if not pcm:
            return []
        self._decoder.process_raw(pcm, False, False)
        self._fed += len(pcm) // 2
        self._recent += pcm
        del self._recent[: max(0, len(self._recent) - KEEP_SECONDS * SAMPLE_RATE * 2)]
        heard = self._detections() if self._decoder.hyp() is not None else []
        if not heard:
            self._tidy()
            return []
        if self.seconds_fed < max(d.end for d in heard) + SETTLE_SECONDS and not self._overdue:
            return []  # a rival may still be finishing
        best = self._choose(heard)
        if best is None:
            return []
        if best is REJECTED:
            # Weighed once is enough; but a command may still be under way (a phrase set off
            # during "okay coach, ..." said slowly), so the recogniser hears on, and a phrase
            # spotted ending later than those weighed is new, though spotted before now.
            self._weighed_until = max(d.end for d in heard)
            self._placed = None
            return []
        self.restart()  # forget what was heard, so it is reported once
        return [best]

    def accept(self, phrase: Phrase, evidence: Evidence) -> bool:
        """Whether the evidence shows `phrase` was said: it passes each of the phrase's checks."""
        return (evidence.fit >= phrase.fit and evidence.phones <= phrase.phones
                and evidence.above_floor >= phrase.above_floor)

    def _choose(self, heard: list[Detection]) -> Detection | None:
        """The phrase said, of those spotted, decided by the grammar over their audio; None
        while the person may still be saying it (the grammar's phrase runs to the last chunk)."""
        fallback = max(heard, key=lambda d: d.log10_ratio - self._log10_threshold(d))
        if self._chooser is None:
            return fallback
        begin = min(d.start for d in heard) - 0.25
        first = self.seconds_fed - len(self._recent) / 2 / SAMPLE_RATE
        offset = max(0, round((begin - first) * SAMPLE_RATE)) * 2
        audio = bytes(self._recent[offset:])
        segments = decode(self._chooser, GRAMMAR, audio)
        hypothesis = self._chooser.hyp()
        chosen = self.phrases.get(hypothesis.hypstr.strip() if hypothesis is not None else "")
        if chosen is not None:
            first_at = self._placed.first_at if self._placed is not None else self._fed
            self._placed = Placed(first_at, chosen, audio, segments)
        elif self._overdue and self._placed is not None:
            # Said with speech straight after, the phrase runs on into it, until the grammar
            # takes its last word for the start of that speech: the whole phrase it placed
            # last stands.
            chosen, audio, segments = self._placed.phrase, self._placed.audio, self._placed.segments
        waited = self.seconds_fed - max(d.end for d in heard)
        if chosen is None and waited < MAX_WAIT_SECONDS:
            return None  # no whole phrase in the audio yet
        segments = segments if chosen is not None else []
        words = [seg for seg in segments if word_of(seg) in self._spoken_words]
        frames = len(audio) // 2 // (SAMPLE_RATE // 100)
        if (words and frames - words[-1].end_frame < QUIET_FRAMES and waited < MAX_WAIT_SECONDS
                and not self._overdue):
            return None  # the phrase may still be going on
        evidence = None  # the checks' measures: not needed once the coach's lines are known
        if self._own is None:
            evidence = weigh(segments, self._spoken_words, audio, bytes(self._recent),
                             self._chooser)
        if self.on_weighed is not None:
            self.on_weighed(chosen or self._by_text[fallback.phrase], evidence, self.seconds_fed,
                            heard)
        if chosen is None or not words:
            return REJECTED
        # Knowing the coach's lines, the reading with its own words decides; else the checks.
        if self._own is not None:
            chosen = self._read(chosen, audio)
        elif evidence is None or not self.accept(chosen, evidence):
            chosen = None
        if chosen is None:
            return REJECTED
        match = [d for d in heard if d.phrase == chosen.text]
        if match:
            return max(match, key=lambda d: d.log10_ratio)
        # Said, by the grammar, though its own spotting fell short: its rival's timing stands.
        return Detection(chosen.text, chosen.command, fallback.start, fallback.end,
                         fallback.log10_ratio, fallback.reported)

    @property
    def _overdue(self) -> bool:
        """Whether DECIDE_SECONDS have passed since the grammar first placed a whole phrase."""
        return (self._placed is not None
                and self._fed - self._placed.first_at >= round(DECIDE_SECONDS * SAMPLE_RATE))

    def _tidy(self) -> None:
        """Start afresh now and then, so the recogniser's list of what it heard stays short."""
        if self._fed - self._utterance_start > TIDY_SECONDS * SAMPLE_RATE:
            self.restart()

    def skip(self, samples: int) -> None:
        """Count `samples` not fed (ignored audio) so stream times stay right; starts afresh."""
        self._fed += samples
        self._recent.clear()
        self.restart()

    def restart(self) -> None:
        """Begin a new utterance: nothing heard before now can complete a phrase after it."""
        self._decoder.end_utt()
        self._utterance_start = self._fed
        self._placed = None
        self._decoder.start_utt()

    def close(self) -> None:
        self._decoder.end_utt()

    def _log10_threshold(self, detection: Detection) -> float:
        return math.log10(self._by_text[detection.phrase].threshold)

    def _detections(self) -> list[Detection]:
        """Every phrase heard in this utterance (above its threshold), in order."""
        base = self._utterance_start / SAMPLE_RATE
        found = []
        for seg in self._decoder.seg() or ():
            phrase = self.phrases.get(seg.word.strip())
            end = base + (seg.end_frame + 1) * FRAME_SECONDS
            if phrase is None or end <= self._weighed_until:
                continue  # not a phrase, or one weighed already
            found.append(
                Detection(
                    phrase=phrase.text,
                    command=phrase.command,
                    start=base + seg.start_frame * FRAME_SECONDS,
                    end=end,
                    log10_ratio=_log10_ratio(seg.prob),
                    reported=self.seconds_fed,
                )
            )
        return found


def _ends(words: list[str], wanted: list[str]) -> list[int]:
    """Where each run of `wanted` in `words` ends."""
    n = len(wanted)
    return [i + n for i in range(len(words) - n + 1) if words[i : i + n] == wanted]


def _log10_ratio(prob: float) -> float:
    """A detection's margin over the phone loop as log10 of a likelihood ratio.

    The binding hands the score back as LOG_BASE ** (margin - KWS_MAX), margin in score units."""
    units = math.log(max(prob, 1e-300)) / math.log(LOG_BASE) + KWS_MAX
    return units * LOG10_PER_UNIT
