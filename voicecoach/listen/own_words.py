"""The coach's own words as a language model: a phrase spotted must still read as a command there.

Spotting weighs each phrase against a free loop of phones, so speech that merely sounds like a
command can set it off, and the coach's own lines are the speech the microphone hears most. But
the coach's words are known: every line of the session. Decoded with a model of those lines and
the commands, the coach's speech reads as what it is ("hold for forty five seconds"), and a
command said reads as the command.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

DISCOUNT = 0.5  # taken from each pair's count, for the pairs never seen (absolute discounting)
# How many times each command is counted among the coach's sentences, so that a command said reads
# as one though the coach's sentences far outnumber it. Measured with the benchmark's clips at
# 10 dB below noise and 4.8 hours of the coach's own audio: 100 heard 87.5 % of the commands with
# four false alarms, 200 heard 88.3 % with five. At 20 far fewer commands read as commands (122 of
# 144 said by eSpeak's British and Caribbean voices, against 132 at 200).
COMMAND_WEIGHT = 100


def sentences(lines: Iterable[str]) -> Iterator[list[str]]:
    """The words of each sentence or clause of `lines`, lower case, as the engine says them
    (numbers and symbols as words: 45 is forty five)."""
    from voicecoach.plan.spoken import spoken_words

    for line in lines:
        for part in re.split(r"[!?;:]|[.,](?!\d)", line):
            words = [w.lower() for w in spoken_words(part)]
            if words:
                yield words


def language_model(
    lines: Iterable[str], commands: Iterable[str], known: Callable[[str], bool]
) -> str:
    """An ARPA bigram model of the sentences of `lines` and of `commands` (whole phrases said),
    over the words `known` to the recogniser's dictionary."""
    said = [s.split() for s in commands] * COMMAND_WEIGHT
    one: Counter[str] = Counter()
    two: Counter[tuple[str, str]] = Counter()
    for sentence in [*sentences(lines), *said]:
        words = ["<s>", *(w for w in sentence if known(w)), "</s>"]
        one.update(words)
        two.update(zip(words, words[1:]))
    total = sum(one.values())
    followed = Counter(first for first, _ in two)
    rows = ["\\data\\", f"ngram 1={len(one)}", f"ngram 2={len(two)}", "", "\\1-grams:"]
    for word, count in one.items():
        p = -99.0 if word == "<s>" else math.log10(count / total)
        backoff = DISCOUNT * followed[word] / count if followed[word] else 1.0
        rows.append(f"{p:.4f} {word} {math.log10(backoff):.4f}")
    rows += ["", "\\2-grams:"]
    rows += [f"{math.log10((n - DISCOUNT) / one[a]):.4f} {a} {b}" for (a, b), n in two.items()]
    rows += ["", "\\end\\", ""]
    return "\n".join(rows)


def pronunciations(model: str, dictionary: str) -> str:
    """The lines of the pronouncing dictionary file `dictionary` for the words of the ARPA
    `model`, each of their pronunciations (`to`, `to(2)`, `to(3)`)."""
    ones = model.split("\\1-grams:", 1)[1].split("\\2-grams:", 1)[0]
    words = {row.split()[1] for row in ones.strip().splitlines()} - {"<s>", "</s>"}
    with open(dictionary, encoding="utf-8") as file:
        return "".join(line for line in file if line.split(" ", 1)[0].split("(")[0] in words)
