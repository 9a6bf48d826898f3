"""Every bad file in tests/corpus/bad is refused with a located message and exit code 2.

The whole corpus goes through the real command in one process (a process per file would cost
over half a second each); each file's own exit code is checked in-process with the same app.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from voicecoach.cli import app
from voicecoach.routine import MAX_FILE_BYTES, MAX_NODES, load_routine

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
BAD = sorted((CORPUS / "bad").iterdir())
GOOD = sorted((CORPUS / "good").iterdir())


def _voicecoach(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "voicecoach", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=60,
    )


def _located(path: Path, text: str, prefix: str = "") -> bool:
    """Whether `text` has a `path:line:column: message` line for `path`."""
    pattern = rf"^{re.escape(prefix + str(path))}:\d+:\d+: \S"
    return re.search(pattern, text, re.MULTILINE) is not None


@pytest.fixture(scope="module")
def too_large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A routine padded with comments past the size limit (too big to keep in the corpus)."""
    path = tmp_path_factory.mktemp("big") / "file-too-large.yaml"
    path.write_bytes(b"title: Hips\nstyle: static\n" + b"# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    return path


@pytest.fixture(scope="module")
def too_many_values(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A routine with more YAML values than any routine needs."""
    path = tmp_path_factory.mktemp("many") / "too-many-values.yaml"
    path.write_text("title: Hips\ntargets: [" + ", ".join(["glutes"] * MAX_NODES) + "]\n")
    return path


@pytest.fixture(scope="module")
def generated(too_large: Path, too_many_values: Path) -> list[Path]:
    """Bad files made by the tests rather than kept in the corpus."""
    return [too_large, too_many_values]


@pytest.fixture(scope="module")
def corpus_run(
    tmp_path_factory: pytest.TempPathFactory, generated: list[Path]
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """`voicecoach validate` on every bad file at once, from an empty folder."""
    cwd = tmp_path_factory.mktemp("cwd")
    return cwd, _voicecoach("validate", *map(str, BAD + generated), cwd=cwd)


def test_corpus_has_at_least_25_different_bad_files() -> None:
    assert len(BAD) >= 25
    assert len({path.read_bytes() for path in BAD}) == len(BAD)


def test_real_command_locates_a_problem_in_every_bad_file(
    corpus_run, generated: list[Path]
) -> None:
    cwd, result = corpus_run
    assert result.returncode == 2
    assert "Traceback" not in result.stdout + result.stderr
    missing = [p.name for p in BAD + generated if not _located(p, result.stdout)]
    assert missing == []
    count = len(BAD) + len(generated)
    assert f"in {count} of {count} files" in result.stderr
    assert list(cwd.iterdir()) == []  # nothing was created, whatever a file asked for


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_file_alone_exits_2_with_a_located_message(path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert _located(path, result.stdout)
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    "name", ["python-tag-runs-command.yaml", "alias-bomb.yaml", "not-utf8.yaml"]
)
def test_other_commands_refuse_a_bad_file_as_an_error(tmp_path: Path, name: str) -> None:
    path = CORPUS / "bad" / name
    result = _voicecoach("plan", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert _located(path, result.stderr, prefix="Error: ")
    assert "Traceback" not in result.stderr


def test_file_too_large_is_reported_where_the_limit_is_reached(corpus_run, too_large: Path) -> None:
    _, result = corpus_run
    line = too_large.read_bytes()[:MAX_FILE_BYTES].count(b"\n") + 1
    assert f"{too_large}:{line}:" in result.stdout
    assert "larger than 1 MiB" in result.stdout


def test_too_many_values_is_reported_where_the_limit_is_crossed(
    corpus_run, too_many_values: Path
) -> None:
    _, result = corpus_run
    # The mapping, `title`, `Hips`, `targets` and its list: the 10,001st value is item 9,995.
    column = len("targets: [") + len("glutes, ") * 9995 + 1
    located = f"{too_many_values}:2:{column}: not valid routine YAML: more than 10,000 values"
    assert located in result.stdout


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_good_file_loads(path: Path) -> None:
    assert load_routine(path).stretches


def test_good_files_validate_through_the_real_command(tmp_path: Path) -> None:
    result = _voicecoach("validate", *map(str, GOOD), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": ok (") == len(GOOD)
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("name", "made"),
    [
        ("python-tag-runs-command.yaml", "ran-a-command"),
        ("python-tag-creates-file.yaml", "created-a-file"),
    ],
)
def test_python_tags_would_act_if_built_but_never_are(
    corpus_run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, made: str
) -> None:
    # The payload is live: PyYAML's unsafe loader really does act on it...
    monkeypatch.chdir(tmp_path)
    yaml.unsafe_load((CORPUS / "bad" / name).read_text())
    assert (tmp_path / made).exists()
    # ...while the command only reports the tag and creates nothing.
    cwd, result = corpus_run
    located = (
        f"{CORPUS / 'bad' / name}:2:8: title: not valid routine YAML: "
        "unsupported YAML tag '!!python/object/apply"
    )
    assert located in result.stdout
    assert not (cwd / made).exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_among_the_files_is_refused_at_once_and_the_rest_still_checked(
    tmp_path: Path,
) -> None:
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)  # nothing ever writes to it: reading it would wait forever
    bad = CORPUS / "bad" / "escape-sequence-in-title.yaml"
    result = _voicecoach("validate", str(pipe), str(bad), *map(str, GOOD[:1]), cwd=tmp_path)
    assert result.returncode == 2
    assert f"{pipe}: is not a regular file (a pipe or a device?)" in result.stdout
    assert _located(bad, result.stdout)
    assert "in 2 of 3 files" in result.stderr
    assert "\x1b" not in result.stdout + result.stderr
