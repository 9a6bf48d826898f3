"""The README's examples and commands are the real ones."""

from __future__ import annotations

import re
from pathlib import Path

from voicecoach.plan import build_plan
from voicecoach.routine import parse_routine

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def _is_config(block: str) -> bool:
    return block.startswith("# ") and block.splitlines()[0].endswith("config.yaml")


def test_every_yaml_example_in_the_readme_is_a_valid_routine() -> None:
    examples = [block for block in _blocks("yaml") if not _is_config(block)]
    assert examples, "the README shows the routine format"
    for text in examples:
        routine = parse_routine(text, "README.md", default_name="example")
        assert build_plan(routine).estimated_seconds > 0


def test_the_config_file_example_in_the_readme_is_valid(tmp_path: Path) -> None:
    from voicecoach.config import DEFAULTS, load_config

    (example,) = [block for block in _blocks("yaml") if _is_config(block)]
    path = tmp_path / "config.yaml"
    path.write_text(example, encoding="utf-8")
    config = load_config(path)
    assert all(getattr(config, key) is not None for key in DEFAULTS), "it shows every key"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    commands = [line.strip() for block in _blocks("sh") for line in block.splitlines()]
    test_command = next(c for c in commands if "pytest" in c)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()


def test_readme_install_and_run_command_speaks_a_shipped_routine() -> None:
    commands = [line.strip() for block in _blocks("sh") for line in block.splitlines()]
    run = next(c for c in commands if "voicecoach run" in c)
    assert run.startswith("pip install . && ")
    name = run.split("voicecoach run", 1)[1].split()[0]
    assert (ROOT / "routines" / f"{name}.yaml").is_file()
