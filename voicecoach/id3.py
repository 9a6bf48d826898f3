"""An ID3v2.3 tag for an MP3: title, artist, album, a comment, and chapters (CHAP and CTOC).

Written here rather than by the encoder library, whose tag writer stores a comment as a
user-defined text frame that players do not show as the comment. Version 2.3 with UTF-16 text
is the version phones, car stereos and desktop players all read.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence

HEADER_SIZE = 10
NO_OFFSET = 0xFFFFFFFF  # CHAP: "use the times, not byte offsets"
TEXT_FRAMES = {"title": "TIT2", "artist": "TPE1", "album": "TALB", "date": "TYER"}
MAX_CHAPTERS = 255  # a CTOC counts its entries in one byte


def _utf16(text: str) -> bytes:
    return b"\xff\xfe" + text.encode("utf-16-le")


def _frame(frame_id: str, body: bytes) -> bytes:
    return frame_id.encode("ascii") + struct.pack(">IH", len(body), 0) + body


def _text_frame(frame_id: str, text: str) -> bytes:
    return _frame(frame_id, b"\x01" + _utf16(text))


def _syncsafe(size: int) -> bytes:
    return bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))


def id3_tag(
    tags: Mapping[str, str], chapters: Sequence[tuple[int, str]], total_ms: int
) -> bytes:
    """The whole tag: `chapters` are (start in ms, title), in order; the last ends at
    `total_ms`. The tag's length does not depend on `total_ms`, so it can be written before
    the audio and rewritten in place once the length is known."""
    if len(chapters) > MAX_CHAPTERS:
        raise ValueError(f"an MP3 holds at most {MAX_CHAPTERS} chapters, not {len(chapters)}")
    frames = [_text_frame(TEXT_FRAMES[k], v) for k, v in tags.items() if k in TEXT_FRAMES]
    if tags.get("comment"):
        # Language, an empty description (UTF-16, terminated), then the text.
        body = b"\x01eng" + _utf16("") + b"\x00\x00" + _utf16(tags["comment"])
        frames.append(_frame("COMM", body))
    if chapters:
        ids = [f"ch{i}".encode("ascii") for i in range(len(chapters))]
        toc = b"toc\x00" + bytes([0x03, len(ids)]) + b"".join(i + b"\x00" for i in ids)
        frames.append(_frame("CTOC", toc))
        ends = [start for start, _ in chapters[1:]] + [total_ms]
        for element, (start, title), end in zip(ids, chapters, ends, strict=True):
            body = element + b"\x00" + struct.pack(">IIII", start, end, NO_OFFSET, NO_OFFSET)
            frames.append(_frame("CHAP", body + _text_frame("TIT2", title)))
    payload = b"".join(frames)
    return b"ID3\x03\x00\x00" + _syncsafe(len(payload)) + payload
