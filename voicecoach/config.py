"""The config file: the user's own defaults for voice, rate, volume, insoles, timings, chime.

Precedence, lowest first: built-in default < config file < command-line flag.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from voicecoach import paths
from voicecoach.engine_names import ENGINE_NAMES
from voicecoach.errors import ConfigError, Problem
from voicecoach.files import NotRegularFileError, atomic_write, read_capped
from voicecoach.rates import DEFAULT_RATE, MAX_RATE, MIN_RATE
from voicecoach.text import CONTROL

FILE_NAME = "config.yaml"
MAX_FILE_BYTES = 64 * 1024

# key: (lowest, highest) for the numbers
LIMITS: dict[str, tuple[float, float]] = {
    "rate": (MIN_RATE, MAX_RATE),
    "volume": (0.0, 1.0),
    "hold_scale": (0.25, 4.0),
    "transition": (0.0, 120.0),
    "rest": (0.0, 300.0),
}


def _no_control(value: str) -> str:
    found = CONTROL.search(value)
    if found is not None:
        code = f"U+{ord(found.group()):04X}"
        raise ValueError(f"has a control character ({code}); write the voice's id")
    return value


def _number(key: str) -> Any:
    low, high = LIMITS[key]
    return Field(strict=True, ge=low, le=high, allow_inf_nan=False)


def _optional(description: str) -> Any:
    """A key the file may leave out: None, so its default applies."""
    return Field(default=None, description=description)


_Switch = Annotated[bool, Field(strict=True)]


class Config(BaseModel):
    """What the config file sets; a key left out (None) falls back to its default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    voice: Annotated[
        str, Field(strict=True, min_length=1, max_length=200), AfterValidator(_no_control)
    ] | None = _optional("Voice id or name (see `voicecoach voices`).")
    rate: Annotated[int, _number("rate")] | None = _optional("Speaking rate, words per minute.")
    volume: Annotated[float, _number("volume")] | None = _optional(
        "Loudness from 0 (silent) to 1 (full)."
    )
    insoles: _Switch | None = _optional("Say the closing mention of the insoles.")
    hold_scale: Annotated[float, _number("hold_scale")] | None = _optional(
        "Multiply every hold by this (0.5 halves, 2 doubles)."
    )
    transition: Annotated[float, _number("transition")] | None = _optional(
        "Seconds to get into position, for every stretch."
    )
    rest: Annotated[float, _number("rest")] | None = _optional("Seconds of rest between stretches.")
    chime: _Switch | None = _optional("A soft chime as each hold begins and ends.")
    tight_side: Literal["left", "right"] | None = Field(
        default=None,
        description="Your tighter side: two-sided stretches start there and end with one "
        "more set there.",
    )
    engine: Literal[ENGINE_NAMES] | None = Field(  # type: ignore[valid-type]
        default=None, description="Speech engine: natural, espeak or piper."
    )
    piper_voices: Annotated[str, Field(strict=True, min_length=1, max_length=1000)] | None = (
        Field(default=None, description="A folder of Piper voices (.onnx with .onnx.json), "
              "used by name with --voice.")
    )
    listen: Annotated[bool, Field(strict=True)] | None = Field(
        default=None, description="Listen for spoken commands during `run`."
    )


KEYS: tuple[str, ...] = tuple(Config.model_fields)
DEFAULTS: dict[str, Any] = {
    "voice": None,  # the engine's own default voice
    "rate": DEFAULT_RATE,
    "volume": 1.0,
    "insoles": True,
    "hold_scale": 1.0,
    "transition": None,  # each routine's own
    "rest": None,  # each routine's own
    "chime": False,
    "tight_side": None,  # both sides equal
    "engine": None,  # the natural voice where it is installed, else eSpeak NG
    "piper_voices": None,
    "listen": False,
}
DEFAULT_NOTES = {
    "engine": "natural if installed, else espeak",
    "piper_voices": "none",
    "voice": "the engine's default",
    "transition": "the routine's",
    "rest": "the routine's",
    "tight_side": "none",
}


def config_path() -> Path:
    """Where the config file lives: `config.yaml` in the user's config folder."""
    return paths.config_dir() / FILE_NAME


def describe(key: str) -> str:
    """One line about a key: what it does and the values it takes."""
    text = Config.model_fields[key].description or ""
    if key in LIMITS:
        low, high = LIMITS[key]
        text += f" {low:g} to {high:g}."
    elif key in ("insoles", "chime", "listen"):
        text += " true or false."
    elif key == "tight_side":
        text += " left or right."
    return text


# --- reading --------------------------------------------------------------------------------


def _suggest(key: str) -> str:
    close = difflib.get_close_matches(key, KEYS, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown key ({hint}keys: {', '.join(KEYS)})"


def _message(key: str, error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return _suggest(key)
    if key in LIMITS and kind in ("greater_than_equal", "less_than_equal", "finite_number"):
        low, high = LIMITS[key]
        return f"must be from {low:g} to {high:g}, not {error['input']!r}"
    if kind == "int_type":
        return f"must be a whole number, not {error['input']!r}"
    if kind == "float_type":
        return f"must be a number, not {error['input']!r}"
    if kind == "bool_type":
        return f"must be true or false, not {error['input']!r}"
    if kind == "string_type":
        return f"must be text, not {error['input']!r}"
    if kind == "literal_error":
        expected = error["ctx"]["expected"].replace("'", "")
        return f"must be {expected}, not {error['input']!r}"
    return str(error["msg"]).removeprefix("Value error, ")


def _value_node(root: Any, key: str) -> tuple[Any, Any] | None:
    import yaml

    for key_node, value_node in getattr(root, "value", []):
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _read_text(path: Path) -> str | None:
    """The file's text, or None if there is no config file."""
    source = str(path)
    if path.is_dir():
        raise ConfigError(f"{source}: is a folder, not a config file")
    try:
        raw = read_capped(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        return None
    except NotRegularFileError:
        raise ConfigError(f"{source}: is not a regular file (a pipe or a device?)") from None
    except OSError as error:
        raise ConfigError(f"{source}: cannot be read: {error.strerror or error}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ConfigError(f"{source}: is larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ConfigError(f"{source}:{line}: is not UTF-8 text") from None


def _parse(text: str, source: str) -> tuple[dict[str, Any], Any]:
    """The file's mapping and its YAML node tree (for locating problems)."""
    # The project's safe loader: no tags, no aliases.
    from voicecoach.routine.safe_yaml import read_yaml

    document = read_yaml(text)
    if document.problems:
        problems = sorted(document.problems, key=lambda p: (p.line or 0, p.column or 0))
        raise ConfigError("\n".join(
            Problem(p.line, p.column, "", f"not valid YAML: {p.message}").format(source)
            for p in problems
        ))
    data, root = document.data, document.root
    if data is None:
        return {}, None
    if not isinstance(data, dict):
        mark = root.start_mark
        raise ConfigError(
            f"{source}:{mark.line + 1}:{mark.column + 1}: the config file is a mapping of "
            f"keys to values (e.g. `rate: 150`); keys: {', '.join(KEYS)}"
        )
    return data, root


def _validate(data: dict[str, Any], root: Any, source: str, given: str | None = None) -> Config:
    """The settings, or every problem located in the file (`given`: the key being set)."""
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        given_problems: list[str] = []
        problems: list[Problem] = []
        for item in error.errors():
            key = str(item["loc"][0]) if item["loc"] else ""
            if key == given:
                given_problems.append(f"{key}: {_message(key, item)} ({source} not changed)")
                continue
            nodes = _value_node(root, key)
            line = column = None
            if nodes is not None:
                node = nodes[0] if item["type"] == "extra_forbidden" else nodes[1]
                line, column = node.start_mark.line + 1, node.start_mark.column + 1
            problems.append(Problem(line, column, key, _message(key, item)))
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        lines = given_problems + [p.format(source) for p in problems]
        raise ConfigError("\n".join(lines)) from None


def load_config(path: Path | None = None) -> Config:
    """The config file's settings; every key unset if there is no file."""
    path = path if path is not None else config_path()
    text = _read_text(path)
    if text is None:
        return Config()
    data, root = _parse(text, str(path))
    return _validate(data, root, str(path))


# --- writing --------------------------------------------------------------------------------


def parse_value(key: str, raw: str) -> Any:
    """A command-line VALUE for KEY, read as YAML (`150`, `0.8`, `false`); a voice stays text."""
    if key not in KEYS:
        raise ConfigError(f"{key}: {_suggest(key)}")
    if key in ("voice", "piper_voices"):
        return raw.strip()
    if key == "engine":
        return raw.strip().lower()
    import yaml

    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw


def _line(key: str, value: Any) -> str:
    import yaml

    return yaml.safe_dump({key: value}, default_flow_style=False, allow_unicode=True).rstrip("\n")


def _edited(text: str, root: Any, key: str, value: Any, remove: bool) -> str:
    """The text with one top-level key set or removed; comments and other keys stay as they are."""
    nodes = _value_node(root, key)
    if nodes is None:
        if remove:
            return text
        prefix = text if not text or text.endswith("\n") else text + "\n"
        return prefix + _line(key, value) + "\n"
    key_node, value_node = nodes
    start, end = key_node.start_mark, value_node.end_mark
    if not remove:
        return text[: start.index] + _line(key, value) + text[end.index :]
    # Remove whole lines: the key's line through the value's last line.
    line_start = text.rfind("\n", 0, start.index) + 1
    last = end.index if end.column > 0 else end.index - 1
    line_end = text.find("\n", max(last, start.index))
    line_end = len(text) if line_end == -1 else line_end + 1
    return text[:line_start] + text[line_end:]


def _write_atomic(path: Path, text: str) -> None:
    """Replace the file in one step: a reader sees the old file or the new one, never half."""
    try:
        atomic_write(path, text)
    except OSError as error:
        raise ConfigError(f"{path}: cannot be written: {error.strerror or error}") from None


def _change(path: Path, key: str, value: Any, remove: bool) -> Config | None:
    """Set or remove one key; a new value is checked with the rest before anything is written."""
    import yaml  # read here, not on import: a run with no config file needs none before it speaks

    source = str(path)
    text = _read_text(path) or ""
    data, root = _parse(text, source)
    if key not in KEYS and not (remove and key in data):  # unknown keys may only be removed
        raise ConfigError(f"{key}: {_suggest(key)}")
    wanted = {k: v for k, v in data.items() if k != key}
    config = None
    if not remove:
        wanted[key] = value
        try:
            config = _validate(wanted, root, source, given=key)
        except ConfigError:
            # The new value may be fine while another line is wrong: check it alone, so that a
            # broken file can be mended one key at a time.
            config = _validate({key: value}, root, source, given=key)
    new_text = _edited(text, root, key, value, remove)
    try:
        same = (yaml.safe_load(new_text) or {}) == wanted
    except yaml.YAMLError:
        same = False
    if not same:  # an unusual layout (flow style, odd comments): write it out plainly instead
        new_text = (
            yaml.safe_dump(wanted, default_flow_style=False, sort_keys=False) if wanted else ""
        )
    _write_atomic(path, new_text)
    return config


def set_value(key: str, value: Any, path: Path | None = None) -> Config:
    """Set KEY in the config file after checking the whole result; nothing is written if wrong."""
    config = _change(path if path is not None else config_path(), key, value, remove=False)
    assert config is not None
    return config


def unset_value(key: str, path: Path | None = None) -> bool:
    """Remove KEY from the config file; False if it was not set."""
    path = path if path is not None else config_path()
    text = _read_text(path)
    if text is None or key not in _parse(text, str(path))[0]:
        if key not in KEYS:
            raise ConfigError(f"{key}: {_suggest(key)}")
        return False
    _change(path, key, None, remove=True)
    return True


# --- what applies ---------------------------------------------------------------------------


def effective(config: Config) -> dict[str, tuple[Any, str]]:
    """Each key's value and where it comes from ("config" or "default")."""
    return {
        key: (getattr(config, key), "config")
        if getattr(config, key) is not None
        else (DEFAULTS[key], "default")
        for key in KEYS
    }
