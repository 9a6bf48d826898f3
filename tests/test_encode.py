"""The encoder on its own: every format read back (PyAV and mutagen), failures leave nothing."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import mutagen
import pytest

from tests.audio_check import silence, tone
from tests.decoded import FRAME_SAMPLES, decode, onsets
from voicecoach.encode import FORMATS, EncoderError, choose_format, encode
from voicecoach.errors import UsageError, VoicecoachError

RATE = 22_050
STARTS = [0.0, 1.25, 2.5, 4.733]  # where each burst of sound starts (and each chapter)
TOTAL = 6.0
TAGS = {"title": "Busy day", "artist": "voicecoach", "album": "Routines", "comment": "A note."}
FORMAT_FILES = ["out.wav", "out.mp3", "out.m4a", "out.opus", "out.ogg"]


def bursts() -> bytes:
    """TOTAL s of silence with 0.4 s of tone at each of STARTS."""
    out, at = b"", 0
    for start in STARTS:
        first = round(start * RATE)
        out += silence((first - at) / RATE) + tone(0.4, hz=490.0)
        at = first + round(0.4 * RATE)
    return out + silence(TOTAL - at / RATE)


def chunked(pcm: bytes, size: int = 4410 * 2) -> Iterator[bytes]:
    for i in range(0, len(pcm), size):
        yield pcm[i : i + size]


def write(path: Path, **kwargs: object) -> int:
    chapters = [(s, f"Part {i} é") for i, s in enumerate(STARTS)]
    return encode(
        chunked(bursts()), sample_rate=RATE, path=path, fmt=kwargs.pop("fmt", None),
        chapters=chapters, tags=TAGS, **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("name", FORMAT_FILES)
def test_each_format_keeps_the_length_and_every_onset_within_one_frame(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    assert write(path) == round(TOTAL * RATE)
    got = decode(path)
    frame = FRAME_SAMPLES[choose_format(path).name] / got.rate
    assert abs(got.seconds - TOTAL) <= frame
    found = onsets(got.audio, got.rate)
    assert len(found) == len(STARTS)
    ramp = 0.0002  # the tone needs a few samples to pass the detector's level
    for onset, start in zip(found, STARTS, strict=True):
        assert abs(onset - start) <= frame + ramp, (onset, start)  # encoder delay compensated
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize("name", ["out.mp3", "out.m4a", "out.opus", "out.ogg"])
def test_chapters_start_at_their_times_and_tags_are_there(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    write(path)
    got = decode(path)
    assert [round(start, 3) for start, _, _ in got.chapters] == STARTS
    assert [title for _, _, title in got.chapters] == [f"Part {i} é" for i in range(4)]
    assert [end for _, end, _ in got.chapters[:-1]] == [s for s, _, _ in got.chapters[1:]]
    for key, value in TAGS.items():
        assert got.tags[key] == value, key


def test_mp3_tags_are_the_frames_players_read(tmp_path: Path) -> None:
    path = tmp_path / "out.mp3"
    write(path)
    tags = mutagen.File(path).tags
    assert tags.version[:2] == (2, 3)
    assert str(tags["TIT2"]) == "Busy day" and str(tags["TPE1"]) == "voicecoach"
    assert str(tags["TALB"]) == "Routines"
    assert tags.getall("COMM")[0].text == ["A note."]  # a real comment, not a TXXX frame
    toc = tags.getall("CTOC")[0]
    assert toc.flags & 1 and toc.child_element_ids == ["ch0", "ch1", "ch2", "ch3"]
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [c.start_time for c in chaps] == [round(s * 1000) for s in STARTS]
    assert chaps[-1].end_time == TOTAL * 1000  # rewritten once the length was known
    assert [str(c.sub_frames["TIT2"]) for c in chaps] == [f"Part {i} é" for i in range(4)]


def test_m4a_tags_and_chapters_as_mutagen_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "out.m4a"
    write(path)
    m4a = mutagen.File(path)
    assert m4a.tags["©nam"] == ["Busy day"] and m4a.tags["©ART"] == ["voicecoach"]
    assert m4a.tags["©alb"] == ["Routines"] and m4a.tags["©cmt"] == ["A note."]
    assert [round(c.start, 3) for c in m4a.chapters] == STARTS
    assert [c.title for c in m4a.chapters] == [f"Part {i} é" for i in range(4)]


def test_ogg_chapter_comments_follow_the_chapter_extension(tmp_path: Path) -> None:
    path = tmp_path / "out.opus"
    write(path)
    tags = mutagen.File(path).tags
    assert tags["CHAPTER001"] == ["00:00:00.000"] and tags["CHAPTER001NAME"] == ["Part 0 é"]
    assert tags["CHAPTER003"] == ["00:00:02.500"]  # the half second is not rounded up
    assert tags["CHAPTER004"] == ["00:00:04.733"]
    assert tags["TITLE"] == ["Busy day"] and tags["ARTIST"] == ["voicecoach"]


def test_wav_carries_the_tags_in_an_info_list(tmp_path: Path) -> None:
    path = tmp_path / "out.wav"
    write(path)
    got = decode(path)
    assert {k: got.tags[k] for k in TAGS} == TAGS
    assert got.chapters == []


def test_bitrate_changes_the_size(tmp_path: Path) -> None:
    write(tmp_path / "low.mp3", bitrate=32)
    write(tmp_path / "high.mp3", bitrate=128)
    low, high = (tmp_path / "low.mp3").stat().st_size, (tmp_path / "high.mp3").stat().st_size
    assert high > 3 * low
    assert round(mutagen.File(tmp_path / "high.mp3").info.bitrate, -3) == 128_000


@pytest.mark.parametrize(
    ("name", "fmt", "message"),
    [
        ("out.flac", None, r"end it in \.wav, \.mp3, \.m4a, \.opus, \.ogg or give --format"),
        ("out.wav", "aiff", "choose one of: m4a, mp3, opus, wav"),
    ],
)
def test_an_unknown_format_is_a_usage_error_listing_the_formats(
    tmp_path: Path, name: str, fmt: str | None, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        write(tmp_path / name, fmt=fmt)
    assert list(tmp_path.iterdir()) == []


def test_format_overrides_the_extension(tmp_path: Path) -> None:
    path = tmp_path / "out.audio"
    write(path, fmt="m4a")
    assert mutagen.File(path).mime[0] == "audio/mp4"
    assert choose_format(path, "ogg") is FORMATS["opus"]


class Interrupt(BaseException):
    """Stands for Ctrl-C or a signal turned into an exception."""


def interrupted(after: int) -> Iterator[bytes]:
    for i, chunk in enumerate(chunked(bursts())):
        if i == after:
            raise Interrupt
        yield chunk


@pytest.mark.parametrize("name", FORMAT_FILES)
@pytest.mark.parametrize("error", [KeyboardInterrupt, Interrupt, EncoderError])
def test_an_interrupted_or_failed_encode_leaves_no_file_and_the_old_one_intact(
    tmp_path: Path, name: str, error: type[BaseException]
) -> None:
    target = tmp_path / name
    target.write_bytes(b"yesterday's good file")

    def chunks() -> Iterator[bytes]:
        yield from list(chunked(bursts()))[:5]
        raise error("stop")

    with pytest.raises(error):
        encode(chunks(), sample_rate=RATE, path=target, fmt=None, chapters=[(0, "A")])
    assert target.read_bytes() == b"yesterday's good file"
    assert list(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize("name", ["out.mp3", "out.m4a"])
def test_an_encoder_that_refuses_the_audio_leaves_no_file(tmp_path: Path, name: str) -> None:
    with pytest.raises(EncoderError, match=r"encoder failed \(Invalid argument\)"):
        encode(chunked(bytes(9000)), sample_rate=7000, path=tmp_path / name, fmt=None)
    assert list(tmp_path.iterdir()) == []


FULL_DISK = """
import resource, signal, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.test_encode import write
from voicecoach.errors import VoicecoachError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    write(Path({path!r}))
except VoicecoachError as error:
    print(error)
    sys.exit(1)
"""


@pytest.mark.parametrize("name", FORMAT_FILES)
def test_a_full_disk_leaves_no_partial_file(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    target.write_bytes(b"good")
    root = str(Path(__file__).resolve().parent.parent)
    script = textwrap.dedent(FULL_DISK).format(root=root, path=str(target))
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith(f"{target}: could not be written (File too large)")
    assert target.read_bytes() == b"good"
    assert list(tmp_path.iterdir()) == [target]


def test_a_missing_folder_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="the folder .*gone does not exist"):
        write(tmp_path / "gone" / "out.mp3")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_refuses_the_file_is_an_error_not_a_traceback() -> None:
    with pytest.raises(VoicecoachError, match="cannot write there"):
        write(Path("/proc/out.mp3"))
