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
    assert done.stderr.strip().splitlines()[-1] == built


def test_help_and_a_mistyped_name_still_see_every_command(voicecoach_home: Path):
    helped = _run("--help", home=voicecoach_home)
    assert helped.returncode == 0 and "compose" in helped.stdout and "config" in helped.stdout
    mistyped = _run("lst", home=voicecoach_home)
    assert mistyped.returncode == 2
    assert "did you mean list?" in mistyped.stderr
