"""The config file: strict validation with located messages, safe edits, and the precedence
default < config file < command-line flag."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from voicecoach.cli import app
from voicecoach.config import (
    DEFAULTS,
    KEYS,
    Config,
    config_path,
    load_config,
    parse_value,
    set_value,
    unset_value,
)
from voicecoach.errors import ConfigError, ExitCode
from voicecoach.plan import DEFAULT_RATE, PlanOptions
from voicecoach.session import resolve_options

ROUTINE = """\
title: Test Hips
style: static
transition: 5
rest: 10
stretches:
  - name: Pigeon
    targets: [glutes]
    instructions: Bring one knee forward and lower your hips.
    hold: 30
  - name: Butterfly
    targets: [adductors]
    instructions: Sit tall with the soles of your feet together.
    hold: 40
"""


def write_config(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def routine_file(tmp_path: Path) -> Path:
    path = tmp_path / "test-hips.yaml"
    path.write_text(ROUTINE, encoding="utf-8")
    return path


# --- loading --------------------------------------------------------------------------------


def test_no_config_file_means_every_key_unset(voicecoach_home: Path) -> None:
    assert config_path() == voicecoach_home / "config.yaml"
    assert load_config() == Config()


def test_a_config_file_sets_its_keys() -> None:
    write_config(
        "# my defaults\nvoice: en-gb\nrate: 150\nvolume: 0.8\ninsoles: no\nhold_scale: 1.5\n"
        "transition: 8\nrest: 15.5\ntight_side: right\n"
    )
    assert load_config() == Config(
        voice="en-gb", rate=150, volume=0.8, insoles=False, hold_scale=1.5, transition=8,
        rest=15.5, tight_side="right",
    )


def test_an_empty_config_file_is_fine() -> None:
    write_config("# nothing yet\n")
    assert load_config() == Config()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rate: 500\n", ":1:7: rate: must be from 80 to 300, not 500"),
        ("volume: 1.5\n", ":1:9: volume: must be from 0 to 1, not 1.5"),
        ("hold_scale: 0.1\n", ":1:13: hold_scale: must be from 0.25 to 4, not 0.1"),
        ("rate: fast\n", ":1:7: rate: must be a whole number, not 'fast'"),
        ("rate: 150.5\n", ":1:7: rate: must be a whole number, not 150.5"),
        ("insoles: maybe\n", ":1:10: insoles: must be true or false, not 'maybe'"),
        ("volume: .nan\n", ":1:9: volume: must be from 0 to 1, not nan"),
        ("rest: -1\n", ":1:7: rest: must be from 0 to 300, not -1"),
        (
            "rate: 150\nrte: 150\n",
            ":2:1: rte: unknown key (did you mean 'rate'? keys: voice, rate,",
        ),
        ("- rate\n", ":1:1: the config file is a mapping of keys to values"),
        ("rate: [150\n", ":2:1: not valid YAML: expected ',' or ']'"),
        ("rate: 150\nrate: 160\n", ":2:1: not valid YAML: duplicate key 'rate'"),
        (
            "voice: !!python/object/apply:os.system [echo hi]\n",
            ":1:8: not valid YAML: unsupported YAML tag "
            "'!!python/object/apply:os.system'",
        ),
    ],
)
def test_a_bad_config_file_names_the_file_the_place_and_the_key(text: str, expected: str) -> None:
    path = write_config(text)
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(caught.value).startswith(str(path) + expected)
    assert caught.value.exit_code == ExitCode.BAD_INPUT


def test_every_problem_is_reported_at_once() -> None:
    path = write_config("rate: 10\nvolume: 3\n")
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(caught.value).splitlines() == [
        f"{path}:1:7: rate: must be from 80 to 300, not 10",
        f"{path}:2:9: volume: must be from 0 to 1, not 3",
    ]


def test_a_config_file_that_is_a_folder_is_reported() -> None:
    config_path().mkdir(parents=True)
    with pytest.raises(ConfigError, match="is a folder"):
        load_config()


# --- set and unset --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "raw", "value"),
    [
        ("rate", "150", 150),
        ("volume", "0.8", 0.8),
        ("insoles", "false", False),
        ("insoles", "off", False),
        ("voice", " en-gb ", "en-gb"),
        ("voice", "123", "123"),
        ("rate", "fast", "fast"),
    ],
)
def test_command_line_values_are_read_as_yaml_except_the_voice(
    key: str, raw: str, value: object
) -> None:
    assert parse_value(key, raw) == value


def test_set_writes_yaml_and_keeps_comments_and_other_keys() -> None:
    path = write_config("# my defaults\nrate: 150  # slower for the mat\nvolume: 0.8\n")
    config = set_value("rate", 170)
    assert config == Config(rate=170, volume=0.8)
    assert path.read_text() == "# my defaults\nrate: 170  # slower for the mat\nvolume: 0.8\n"
    set_value("insoles", False)
    assert path.read_text().endswith("volume: 0.8\ninsoles: false\n")
    assert load_config() == Config(rate=170, volume=0.8, insoles=False)


def test_set_creates_the_file_and_leaves_no_temporary_file(voicecoach_home: Path) -> None:
    set_value("voice", "en-us")
    assert config_path().read_text() == "voice: en-us\n"
    assert sorted(p.name for p in voicecoach_home.iterdir()) == ["config.yaml"]


def test_set_refuses_a_bad_value_and_writes_nothing() -> None:
    path = write_config("rate: 150\n")
    with pytest.raises(ConfigError) as caught:
        set_value("rate", 999)
    assert str(caught.value) == f"rate: must be from 80 to 300, not 999 ({path} not changed)"
    assert path.read_text() == "rate: 150\n"


def test_set_refuses_an_unknown_key() -> None:
    with pytest.raises(ConfigError, match="volum: unknown key \\(did you mean 'volume'"):
        set_value("volum", 0.5)
    assert not config_path().exists()


def test_set_mends_its_own_key_and_the_other_bad_keys_are_still_reported() -> None:
    path = write_config("rate: 150\nvolume: 7\n")
    set_value("rate", 170)
    assert path.read_text() == "rate: 170\nvolume: 7\n"
    with pytest.raises(ConfigError, match=f"^{path}:2:9: volume: must be from 0 to 1"):
        load_config()


def test_config_set_warns_of_the_bad_keys_it_leaves() -> None:
    from typer.testing import CliRunner

    from voicecoach.cli import app

    path = write_config("rate: 150\nvolume: 7\n")
    result = CliRunner().invoke(app, ["config", "set", "rate", "170"])
    assert result.exit_code == 0
    assert result.stdout.startswith("rate = 170")
    assert result.stderr == f"Warning: {path}:2:9: volume: must be from 0 to 1, not 7\n"


def test_set_rewrites_a_flow_style_file_plainly() -> None:
    path = write_config("{rate: 150, volume: 0.8}\n")
    set_value("rest", 20)
    assert load_config() == Config(rate=150, volume=0.8, rest=20)
    assert path.read_text() == "rate: 150\nvolume: 0.8\nrest: 20\n"


def test_unset_removes_the_key_and_its_line() -> None:
    path = write_config("# my defaults\nrate: 150  # slower\nvolume: 7\n")
    assert unset_value("volume") is True  # even a bad value can be removed
    assert path.read_text() == "# my defaults\nrate: 150  # slower\n"
    assert unset_value("volume") is False
    assert unset_value("rate") is True
    assert load_config() == Config()


def test_unset_without_a_file_changes_nothing() -> None:
    assert unset_value("rate") is False
    assert not config_path().exists()


# --- precedence -----------------------------------------------------------------------------


def test_defaults_apply_when_nothing_is_set() -> None:
    settings = resolve_options(Config())
    assert settings.options == PlanOptions()
    assert (settings.voice, settings.volume) == (None, 1.0)
    assert set(settings.sources.values()) == {"default"}


def test_config_beats_defaults_and_flags_beat_config() -> None:
    config = Config(
        voice="en-gb", rate=150, volume=0.5, insoles=False, hold_scale=2.0, rest=20, chime=True
    )
    settings = resolve_options(config, rate=200, insoles=True, volume=0.9)
    assert settings.options == PlanOptions(
        insoles=True, hold=None, hold_scale=2.0, rate=200, rest=20
    )
    assert (settings.voice, settings.volume, settings.chime) == ("en-gb", 0.9, True)
    assert resolve_options(config, chime=False).chime is False
    assert settings.sources == {
        "chime": "config",
        "engine": "default",
        "piper_voices": "default",
        "voice": "config",
        "rate": "flag",
        "volume": "flag",
        "insoles": "flag",
        "hold_scale": "config",
        "transition": "default",
        "rest": "config",
        "tight_side": "default",
        "hold": "default",
        "listen": "default",
    }


def test_a_false_flag_still_counts_as_given() -> None:
    assert resolve_options(Config(insoles=True), insoles=False).options.insoles is False


def test_every_key_has_a_default() -> None:
    assert set(DEFAULTS) == set(KEYS)
    assert DEFAULTS["rate"] == DEFAULT_RATE


# --- through the command line -----------------------------------------------------------------


def plan_json(*args: str) -> dict:
    result = CliRunner().invoke(app, ["plan", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def says(data: dict, role: str) -> list[str]:
    return [e["text"] for e in data["events"] if e["kind"] == "say" and e["role"] == role]


def test_plan_rate_default_then_config_then_flag(routine_file: Path) -> None:
    default = plan_json(str(routine_file))["estimated_seconds"]
    set_value("rate", 120)
    from_config = plan_json(str(routine_file))["estimated_seconds"]
    from_flag = plan_json(str(routine_file), "--rate", "300")["estimated_seconds"]
    assert from_config > default > from_flag  # slower speech, longer routine
    assert plan_json(str(routine_file), "--rate", "120")["estimated_seconds"] == from_config


def test_plan_insoles_off_in_config_drops_the_insole_line_and_the_flag_brings_it_back(
    routine_file: Path,
) -> None:
    assert len(says(plan_json(str(routine_file)), "insoles")) == 1
    write_config("insoles: false\n")
    assert says(plan_json(str(routine_file)), "insoles") == []
    assert len(says(plan_json(str(routine_file), "--insoles"), "insoles")) == 1
    write_config("")
    assert says(plan_json(str(routine_file), "--no-insoles"), "insoles") == []


def test_plan_hold_scale_from_config_and_the_hold_flag_beats_it(routine_file: Path) -> None:
    def hold_lengths(data: dict) -> list[float]:
        starts = [e["at"] for e in data["events"] if e["role"] == "start"]
        releases = [e["at"] for e in data["events"] if e["role"] == "release"]
        return [round(end - start, 3) for start, end in zip(starts, releases, strict=True)]

    assert hold_lengths(plan_json(str(routine_file))) == [30.0, 40.0]
    write_config("hold_scale: 1.5\n")
    assert hold_lengths(plan_json(str(routine_file))) == [45.0, 60.0]
    assert hold_lengths(plan_json(str(routine_file), "--hold", "20")) == [20.0, 20.0]


def test_plan_transition_and_rest_from_config(routine_file: Path) -> None:
    write_config("transition: 12\nrest: 25\n")
    data = plan_json(str(routine_file))
    transitions = [
        e["seconds"] for e in data["events"] if e["kind"] == "pause" and e["role"] == "transition"
    ]
    rests = [e for e in data["events"] if e["role"] in ("rest", "preview")]
    assert transitions and all(t < 12 for t in transitions)  # the position cue fills the start
    windows = {}
    for event in data["events"]:
        if event["role"] in ("transition", "position"):
            key = (event["stretch"], event["side"])
            windows[key] = windows.get(key, 0) + event["seconds"]
    assert {round(v, 3) for v in windows.values()} == {12.0}
    assert round(sum(e["seconds"] for e in rests), 3) == 25.0


def test_plan_with_a_bad_config_exits_2_naming_the_file_and_key(routine_file: Path) -> None:
    path = write_config("rate: 10\n")
    result = CliRunner().invoke(app, ["plan", str(routine_file), "--json"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stdout == ""
    assert result.stderr == f"Error: {path}:1:7: rate: must be from 80 to 300, not 10\n"


def test_config_path_show_set_unset_commands(voicecoach_home: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["config", "path"])
    assert result.exit_code == 0
    assert result.stdout == f"{voicecoach_home / 'config.yaml'}\n"

    result = runner.invoke(app, ["config", "set", "rate", "150"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"rate = 150  (saved in {config_path()})\n"

    result = runner.invoke(app, ["config", "show"])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        str(config_path()),
        "  voice         the engine's default               default",
        "  rate          150                                config",
        "  volume        1                                  default",
        "  insoles       true                               default",
        "  hold_scale    1                                  default",
        "  transition    the routine's                      default",
        "  rest          the routine's                      default",
        "  chime         false                              default",
        "  tight_side    none                               default",
        "  engine        natural if installed, else espeak  default",
        "  piper_voices  none                               default",
        "  listen        false                              default",
        "Command-line options override these for one run.",
    ]

    result = runner.invoke(app, ["config", "show", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["exists"] is True
    assert data["settings"]["rate"] == {"value": 150, "source": "config"}
    assert data["settings"]["voice"] == {"value": None, "source": "default"}

    result = runner.invoke(app, ["config", "unset", "rate"])
    assert result.exit_code == 0
    assert result.stdout == f"rate removed from {config_path()}; default: 160\n"
    assert load_config() == Config()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["config", "set", "rate", "999"], "Error: rate: must be from 80 to 300, not 999"),
        (["config", "set", "volume", "loud"], "Error: volume: must be a number, not 'loud'"),
        (["config", "set", "speed", "1"], "Error: speed: unknown key"),
        (["config", "unset", "speed"], "Error: speed: unknown key"),
    ],
)
def test_config_commands_refuse_bad_input_with_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.output
    assert not config_path().exists()


def test_config_show_with_a_bad_file_exits_2() -> None:
    path = write_config("volume: 2\nvoice: 7\n")
    result = CliRunner().invoke(app, ["config", "show"])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == (
        f"Error: {path}:1:9: volume: must be from 0 to 1, not 2\n"
        f"Error: {path}:2:8: voice: must be text, not 7\n"
    )


def test_config_set_help_lists_every_key() -> None:
    result = CliRunner().invoke(app, ["config", "set", "--help"])
    assert result.exit_code == 0
    for key in KEYS:
        assert key in result.stdout


def test_config_set_refuses_a_voice_the_engine_does_not_have() -> None:
    from typer.testing import CliRunner

    from voicecoach.cli import app

    result = CliRunner().invoke(app, ["config", "set", "voice", "no-such-voice"])
    assert result.exit_code == 2
    assert "unknown voice 'no-such-voice'" in result.output
    assert not config_path().exists()


def test_a_broken_config_file_can_be_mended_one_key_at_a_time(voicecoach_home: Path) -> None:
    from typer.testing import CliRunner

    from voicecoach.cli import app

    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("rate: 500\ncolour: blue\n")
    runner = CliRunner()
    assert runner.invoke(app, ["config", "show"]).exit_code == 2
    still_bad = runner.invoke(app, ["config", "set", "rate", "900"])
    assert still_bad.exit_code == 2 and "not 900" in still_bad.output
    assert runner.invoke(app, ["config", "set", "rate", "150"]).exit_code == 0
    removed = runner.invoke(app, ["config", "unset", "colour"])
    assert removed.exit_code == 0 and removed.output.startswith("colour removed from")
    assert runner.invoke(app, ["config", "show"]).exit_code == 0
    assert config_path().read_text() == "rate: 150\n"


def test_listen_comes_from_the_config_unless_the_flag_says_otherwise() -> None:
    assert resolve_options(Config()).listen is False
    assert resolve_options(Config(listen=True)).listen is True
    assert resolve_options(Config(listen=True), listen=False).listen is False
    assert resolve_options(Config(), listen=True).sources["listen"] == "flag"


def test_a_voice_with_control_characters_is_refused_and_never_printed(
    voicecoach_home: Path,
) -> None:
    from typer.testing import CliRunner

    from voicecoach.cli import app

    (voicecoach_home / "config.yaml").write_text('voice: "en\\e]0;PWNED\\a"\n')
    for args in (["config", "show"], ["plan", "busy-day"]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
        assert "voice: has a control character (U+001B" in result.output
