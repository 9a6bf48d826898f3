"""The command line's surface: help in a useful order with examples, errors in our words,
names suggested, and shell completion."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from voicecoach.cli import app
from voicecoach.cli.root import COMMAND_ORDER

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def _paths(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group in the tree, as the words that call it."""
    found = [prefix]
    for name, command in getattr(group, "commands", {}).items():
        found += _paths(command, (*prefix, name))
    return found


ALL_COMMANDS = _paths(typer.main.get_command(app))


# --- help ------------------------------------------------------------------------------------


@pytest.mark.parametrize("words", ALL_COMMANDS, ids=lambda w: " ".join(w) or "voicecoach")
def test_every_help_has_examples_and_nothing_cut(words: tuple[str, ...]):
    result = invoke(*words, "--help")
    assert result.exit_code == 0
    text = result.stdout
    examples = text.split("\nExamples:\n", 1)
    assert len(examples) == 2, f"no Examples section in {words}"
    lines = examples[1].splitlines()
    assert lines and all(line.startswith("  voicecoach") or line.startswith("  $") for line in
                         lines if line.strip()), lines
    # "..." only after a metavar (FILE..., [ARGS]...), never after a cut word
    assert not re.search(r"(?<![A-Z\]])\.\.\.", text), text
    assert not re.search(r"\{[A-Za-z ]+\}", text), "usage shows braces"
    assert "<=x" not in text and "x<=" not in text and "x>=" not in text


def test_voicecoach_alone_prints_help_on_stdout_and_succeeds():
    result = invoke()
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: voicecoach [OPTIONS] COMMAND")
    assert result.stderr == ""


def test_config_alone_prints_its_help_on_stdout_and_succeeds():
    result = invoke("config")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: voicecoach config [OPTIONS] COMMAND")
    assert "config set rate 150" in result.stdout
    assert result.stderr == ""


def test_commands_are_listed_by_how_often_they_are_used():
    text = invoke("--help").stdout
    listed = re.findall(r"^  ([a-z-]+)  ", text.split("\nCommands:\n")[1], re.M)
    assert listed[:5] == ["run", "list", "show", "plan", "export"]
    assert listed[-1] == "config"
    known = [name for name in COMMAND_ORDER if name in listed]
    assert listed[: len(known)] == known  # commands not in the list come after it


def test_a_new_command_slots_in_after_the_known_ones():
    from voicecoach.cli.commands import App, Group

    class Ordered(Group):
        order = COMMAND_ORDER

    probe = App(cls=Ordered, name="voicecoach", rich_markup_mode=None, add_completion=False)

    @probe.command("zzz-new")
    def _new() -> None:
        """Something new.

        Examples:
          voicecoach zzz-new
        """

    @probe.command("run")
    def _run() -> None:
        """Run it."""

    text = runner.invoke(probe, ["--help"]).stdout
    assert text.index("  run ") < text.index("  zzz-new ")
    assert runner.invoke(probe, ["zzz-new", "--help"]).stdout.endswith(
        "Examples:\n  voicecoach zzz-new\n"
    )


def test_usage_shows_plain_metavars():
    assert "Usage: voicecoach plan [OPTIONS] NAME\n" in invoke("plan", "--help").stdout
    assert "Usage: voicecoach config set [OPTIONS] KEY VALUE\n" in invoke(
        "config", "set", "--help"
    ).stdout


def test_ranges_are_told_in_words():
    text = " ".join(invoke("plan", "--help").stdout.split())
    assert "Hold every static stretch this long. [5 to 600]" in text
    assert "[80 to 300]" in text


def test_summaries_are_whole_sentences():
    text = " ".join(invoke("--help").stdout.split())
    assert "export Write a routine as one audio file (WAV, MP3, M4A or Ogg Opus) to play from " \
           "a phone." in text


# --- errors in our own words ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["plan", "busy-day", "--hold", "abc"], "--hold takes a number from 5 to 600, not abc"),
        (["plan", "busy-day", "--rate", "20"],
         "--rate takes a whole number from 80 to 300, not 20"),
        (["plan", "busy-day", "--rat", "150"], "there is no option --rat; did you mean --rate?"),
        (["plam"], "there is no command 'plam'; did you mean plan?"),
        (["plan"], "missing NAME: a routine's name (see `voicecoach list`) or a path to a YAML "
                   "file"),
        (["plan", "busy-day", "extra"], "unexpected argument: extra"),
        (["plan", "busy-day", "--hold"], "--hold needs a value"),
        (["history", "--weeks", "0"], "--weeks takes a whole number from 1 to 53, not 0"),
        (["plan", "busy-day", "--tight-side", "middle"],
         "--tight-side takes left or right, not middle"),
    ],
)
def test_parse_errors_are_in_our_words(args: list[str], message: str):
    result = invoke(*args)
    assert result.exit_code == 2
    assert result.stderr.endswith(f"Error: {message}\n"), result.stderr
    for framework in ("Invalid value", "is not a valid", "Possible options", "No such"):
        assert framework not in result.stderr


def test_config_set_takes_a_negative_number_and_reports_the_range():
    result = invoke("config", "set", "transition", "-1")
    assert result.exit_code == 2
    assert "No such option" not in result.stderr
    assert result.stderr.startswith("Error: transition: must be from 0 to 120, not -1")


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["busyday", "Busy-Day", "busy_day"])
def test_show_suggests_the_closest_name(typed: str):
    result = invoke("show", typed)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {typed}: no routine of that name; did you mean busy-day?\n"


@pytest.mark.parametrize("command", ["show", "plan", "run", "export"])
def test_every_name_argument_suggests(command: str, tmp_path: Path):
    extra = ["-o", str(tmp_path / "x.wav")] if command == "export" else []
    result = invoke(command, "post-run-hip", *extra)
    assert result.exit_code == 2
    assert "did you mean post-run-hips?" in result.stderr


def test_your_own_routines_are_suggested(voicecoach_home: Path):
    (voicecoach_home / "routines").mkdir()
    source = ROOT / "tests" / "fixtures" / "tiny.yaml"
    shutil.copy(source, voicecoach_home / "routines" / "evening.yaml")
    assert "did you mean evening?" in invoke("show", "evning").stderr


def test_a_name_with_yaml_is_the_routine_when_no_such_file_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    result = invoke("show", "busy-day.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Busy day hip reset  (busy-day)")


# --- completion -------------------------------------------------------------------------------


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "_VOICECOACH_COMPLETE"}
    return dict(env, HOME=str(home), VOICECOACH_HOME=str(home / "vc"), PYTHONPATH=str(ROOT),
                **extra)


def _voicecoach(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from voicecoach.launch import main; main()", *args],
        env=env, capture_output=True, text=True, timeout=60, cwd=home_cwd(env),
    )


def home_cwd(env: dict[str, str]) -> str:
    return env["HOME"]


def test_install_completion_for_bash_then_complete_a_routine_name(tmp_path: Path):
    installed = _voicecoach(["--install-completion", "bash"], _env(tmp_path))
    assert installed.returncode == 0, installed.stderr
    script = tmp_path / ".bash_completions" / "voicecoach.sh"
    assert script.is_file()
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()
    # The request a shell makes, as click defines it.
    request = _env(tmp_path, _VOICECOACH_COMPLETE="bash_complete",
                   COMP_WORDS="voicecoach run b", COMP_CWORD="2")
    answer = _voicecoach([], request)
    assert answer.returncode == 0, answer.stderr
    offered = answer.stdout.split()
    assert "busy-day" in offered and all(name.startswith("b") for name in offered)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_installed_bash_script_completes_in_bash(tmp_path: Path):
    assert _voicecoach(["--install-completion", "bash"], _env(tmp_path)).returncode == 0
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    launcher = bin_dir / "voicecoach"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c '
                        '"from voicecoach.launch import main; main()" "$@"\n')
    launcher.chmod(0o755)
    env = _env(tmp_path, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    words = {"run b": ("voicecoach run b", 2), "command p": ("voicecoach p", 1)}
    found = {}
    for label, (line, cword) in words.items():
        shell = subprocess.run(
            ["bash", "--norc", "-c",
             f"source {tmp_path}/.bash_completions/voicecoach.sh; COMP_WORDS=({line}); "
             f"COMP_CWORD={cword}; _voicecoach_completion voicecoach; "
             'printf "%s\\n" "${COMPREPLY[@]}"'],
            env=env, capture_output=True, text=True, timeout=60,
        )
        found[label] = shell.stdout.split()
    assert "busy-day" in found["run b"] and all(w.startswith("b") for w in found["run b"])
    assert found["command p"] == ["plan"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_a_script_for_each_shell(shell: str):
    result = invoke("--show-completion", shell)
    assert result.exit_code == 0
    assert "_VOICECOACH_COMPLETE" in result.stdout


def test_an_unknown_shell_is_refused_in_our_words():
    result = invoke("--show-completion", "tcsh")
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: completion works in bash, zsh and fish, not 'tcsh'\n")


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("voicecoach show post", 2, ["post-run-hips"]),
        ("voicecoach run --voice en-gb-x-r", 3, ["en-gb-x-rp"]),
        ("voicecoach config set ra", 3, ["rate"]),
        ("voicecoach config set insoles ", 4, ["true", "false"]),
        ("voicecoach config s", 2, ["show", "set"]),
        ("voicecoach run --engine esp", 3, ["espeak"]),
    ],
)
def test_completion_offers_routines_voices_and_config_keys(
    words: str, cword: int, expected: list[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("_VOICECOACH_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", words)
    monkeypatch.setenv("COMP_CWORD", str(cword))
    result = runner.invoke(app, [], prog_name="voicecoach")
    assert result.exit_code == 0
    assert result.stdout.split() == expected


def _completed(words: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("_VOICECOACH_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", words)
    monkeypatch.setenv("COMP_CWORD", str(len(words.split()) - (not words.endswith(" "))))
    result = runner.invoke(app, [], prog_name="voicecoach")
    assert result.exit_code == 0, result.output
    return result.stdout.split()


def test_voice_completion_offers_every_engines_voices_or_the_named_engines(
    voicecoach_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from voicecoach.engine_names import installed_engines

    folder = tmp_path / "piper-voices"
    folder.mkdir()
    for name in ("hearth-low", "joe"):
        (folder / f"{name}.onnx").write_bytes(b"model")
        (folder / f"{name}.onnx.json").write_text("{}")
    (folder / "no-settings.onnx").write_bytes(b"model")  # not a voice without its settings
    (voicecoach_home / "config.yaml").write_text(f"piper_voices: {folder}\n")
    every = _completed("voicecoach run --voice he", monkeypatch)
    expected = {"natural": ["heart"], "espeak": ["he"], "piper": ["hearth-low"]}
    assert every == sorted(v for e in installed_engines() for v in expected[e])
    assert _completed("voicecoach run --engine natural --voice ", monkeypatch) == ["heart"]
    assert _completed("voicecoach run --engine espeak --voice he", monkeypatch) == ["he"]
    if "piper" in installed_engines():
        assert _completed("voicecoach export busy-day --engine piper --voice ",
                          monkeypatch) == ["hearth-low", "joe"]


def test_routine_completion_loads_no_routine_and_no_heavy_module(tmp_path: Path):
    script = (
        "import os, sys\n"
        "os.environ.update(_VOICECOACH_COMPLETE='bash_complete', COMP_WORDS='voicecoach run ',"
        " COMP_CWORD='2')\n"
        "from voicecoach.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = {'yaml', 'pydantic', 'numpy', 'pyttsx3', 'onnxruntime', 'rich'}\n"
        "print('LOADED', sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], env=_env(tmp_path),
                         capture_output=True, text=True, timeout=60).stdout
    assert "busy-day" in out and "yoga-for-hips" in out
    assert "LOADED []" in out


# --- text that fits the terminal -------------------------------------------------------------


def _under_terminal(args: list[str], home: Path, columns: int = 40) -> list[str]:
    """Run voicecoach with stdout on a pseudo-terminal `columns` wide; the lines it wrote."""
    import fcntl
    import pty
    import struct
    import termios

    main_fd, child_fd = pty.openpty()
    fcntl.ioctl(child_fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    env = {k: v for k, v in _env(home).items() if k not in ("COLUMNS", "LINES")}
    process = subprocess.Popen(
        [sys.executable, "-c", "from voicecoach.launch import main; main()", *args],
        env=env, stdout=child_fd, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )
    os.close(child_fd)
    chunks = []
    while True:
        try:
            data = os.read(main_fd, 65536)
        except OSError:  # the child closed its side
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=60)
    os.close(main_fd)
    return b"".join(chunks).decode().replace("\r\n", "\n").splitlines()


@pytest.mark.parametrize(
    ("args", "indent"),
    [(["list"], 11), (["show", "busy-day"], 4), (["plan", "busy-day"], 17)],
)
def test_a_narrow_terminal_gets_words_wrapped_with_a_hanging_indent(
    args: list[str], indent: int, tmp_path: Path
):
    lines = _under_terminal(args, tmp_path, columns=40)
    assert lines and all(len(line) <= 40 for line in lines), [l for l in lines if len(l) > 40]
    wide = invoke(*args).stdout  # not a terminal: one record a line, never wrapped
    assert " ".join(" ".join(lines).split()) == " ".join(wide.split())
    words = set(wide.split())
    for line in lines:  # no word split across two lines
        assert all(word in words for word in line.split()), line
    continued = [line for line in lines if line.startswith(" " * indent) and line.strip()]
    assert continued, "no continuation lines with the hanging indent"
    if args[0] == "list":
        import json

        first = json.loads(invoke("list", "--json").stdout)[0]
        assert re.fullmatch(rf"{first['name']} +\d+:\d\d  {first['when']}", lines[0])
        assert lines[1] == f"  {first['title']}"
        assert lines[2].startswith(f"  targets: {first['targets'][0]}")


def test_layout_wraps_on_words_with_a_hanging_indent():
    from voicecoach.cli.layout import wrap

    assert wrap("one two three four", None, "> ") == ["> one two three four"]
    assert wrap("alpha beta gamma delta epsilon zeta eta", 40, "  0:01.0  say    ") == [
        "  0:01.0  say    alpha beta gamma delta",
        "                 epsilon zeta eta",
    ]
    # a prefix that leaves too little room takes a line of its own
    assert wrap("hip flexors, hamstrings", 24, "x" * 20 + "  ", indent=4) == [
        "x" * 20, "    hip flexors,", "    hamstrings",
    ]


# --- your own routines -----------------------------------------------------------------------


def test_your_routines_are_listed_by_routine_name_not_file_name(voicecoach_home: Path):
    folder = voicecoach_home / "routines"
    folder.mkdir()
    tiny = (ROOT / "tests" / "fixtures" / "tiny.yaml").read_text()
    for stem in ("Zebra", "apple", "Mango"):  # by file name: Mango, Zebra, apple
        (folder / f"{stem}.yaml").write_text(tiny)
    result = invoke("list", "--json")
    import json

    mine = [r["name"] for r in json.loads(result.stdout) if not r["builtin"]]
    assert mine == ["apple", "mango", "zebra"]


def test_new_with_an_accent_suggests_the_transliterated_name():
    result = invoke("new", "évening")
    assert result.exit_code == 2
    assert result.stderr.endswith("e.g. evening\n"), result.stderr


# --- options that do nothing ------------------------------------------------------------------


def test_hold_for_a_routine_without_holds_is_said_to_do_nothing():
    result = invoke("plan", "post-run-hips", "--hold", "60")
    assert result.exit_code == 0
    assert result.stderr == (
        "Warning: --hold does nothing here: post-run-hips has no held stretches, only reps\n"
    )
    assert invoke("plan", "busy-day", "--hold", "60").stderr == ""


@pytest.mark.parametrize(
    ("args", "warning"),
    [
        (["--voice", "zzz"],
         "Warning: --voice does nothing with --text: nothing is spoken; 'zzz' was not checked\n"),
        (["--volume", "0.5", "--no-cache"],
         "Warning: --volume and --no-cache do nothing with --text: nothing is spoken\n"),
        (["--rate", "120"], ""),  # the rate still times the cues
    ],
)
def test_speech_options_with_text_are_said_to_do_nothing(
    args: list[str], warning: str, monkeypatch: pytest.MonkeyPatch
):
    from tests.fakes import FakeClock
    from voicecoach import clock as clocks

    monkeypatch.setattr(clocks, "MonotonicClock", FakeClock)
    result = invoke("run", "busy-day", "--text", *args)
    assert result.exit_code == 0, result.output
    assert result.stderr == warning


def test_export_warns_about_hold_too(tmp_path: Path):
    # an unknown voice stops it before any rendering, after the routine is read
    result = invoke("export", "post-run-hips", "--hold", "60", "--voice", "xx-nowhere",
                    "-o", str(tmp_path / "x.wav"))
    assert result.stderr.startswith("Warning: --hold does nothing here: post-run-hips")
    assert not (tmp_path / "x.wav").exists()


def test_zsh_completion_gives_routine_names_with_their_titles(voicecoach_home: Path, monkeypatch):
    assert invoke("list").exit_code == 0  # fills the listing cache the titles come from
    monkeypatch.setenv("_VOICECOACH_COMPLETE", "complete_zsh")
    monkeypatch.setenv("_TYPER_COMPLETE_ARGS", "voicecoach show post")
    result = runner.invoke(app, [], prog_name="voicecoach")
    assert result.exit_code == 0
    assert '"post-run-hips":"Post-run hip mobility"' in result.stdout


def test_a_library_stretch_given_as_a_routine_name_is_pointed_to():
    result = invoke("show", "pigeon")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: pigeon: no routine of that name; pigeon is a stretch in the library "
        "(voicecoach stretches pigeon)\n"
    )
