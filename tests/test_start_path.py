"""The entry point builds only the command asked for, and still every command when needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\n"
        f"sys.argv = ['voicecoach', *{list(args)!r}]\n"
        "from voicecoach.cli.root import app, main\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    print(sorted(c.name or c.callback.__name__ for c in app.registered_commands),\n"
        "          sorted(g.name for g in app.registered_groups), file=sys.stderr)\n"
        "    print(sorted(m for m in sys.modules if m.startswith('voicecoach.cli.')),\n"
        "          file=sys.stderr)\n"
    )
    env = {"PYTHONPATH": str(ROOT), "VOICECOACH_HOME": str(home), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=home, timeout=60, check=False)


@pytest.mark.parametrize(("args", "built"), [
    (("list",), "['list'] []"),
    (("config", "path"), "[] ['config']"),
])
def test_a_named_command_is_the_only_one_built(voicecoach_home: Path, args, built):
    done = _run(*args, home=voicecoach_home)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-2] == built


def test_a_named_command_loads_only_its_own_module(voicecoach_home: Path):
    done = _run("voices", "--json", home=voicecoach_home)
    assert done.returncode == 0, done.stderr
    loaded = done.stderr.strip().splitlines()[-1]
    assert "'voicecoach.cli.speech'" in loaded
    assert "voicecoach.cli.run'" not in loaded and "voicecoach.cli.compose'" not in loaded


@pytest.mark.parametrize("args", [("--help",), (), ("--version",)])
def test_the_programs_own_help_and_options_load_no_command(voicecoach_home: Path, args):
    done = _run(*args, home=voicecoach_home)
    assert done.returncode == 0, done.stderr
    *_, built, loaded = done.stderr.strip().splitlines()
    assert built == "[] []"
    assert loaded == "['voicecoach.cli.commands', 'voicecoach.cli.completion', 'voicecoach.cli.root']"


def test_the_command_table_matches_every_command_and_its_own_summary():
    from typer.main import get_command

    from voicecoach.cli import app
    from voicecoach.cli.root import COMMANDS

    group = get_command(app)
    assert sorted(group.commands) == sorted(COMMANDS)
    for name, (module, summary) in COMMANDS.items():
        command = group.commands[name]
        assert command.get_short_help_str() == summary, name
        callback = command.callback
        if callback is not None and callback.__module__ != "voicecoach.cli.root":
            assert callback.__module__ == f"voicecoach.cli.{module}", name


def test_help_and_a_mistyped_name_still_see_every_command(voicecoach_home: Path):
    helped = _run("--help", home=voicecoach_home)
    assert helped.returncode == 0 and "compose" in helped.stdout and "config" in helped.stdout
    mistyped = _run("lst", home=voicecoach_home)
    assert mistyped.returncode == 2
    assert "did you mean list?" in mistyped.stderr
