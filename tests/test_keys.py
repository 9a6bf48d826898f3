"""Keys come from a terminal in cbreak mode, and the terminal is always put back."""

from __future__ import annotations

import io
import os
import termios

import pytest

from voicecoach.keys import KeyControls, terminal_keys


@pytest.fixture
def terminal():  # noqa: ANN201
    """A pseudo-terminal: (the side a person types into, the side voicecoach reads)."""
    typed, read = os.openpty()
    yield typed, read
    os.close(typed)
    os.close(read)


def test_keys_become_commands_in_order(terminal: tuple[int, int]) -> None:
    typed, read = terminal
    with KeyControls(read) as controls:
        assert controls.poll() is None
        os.write(typed, b"x bnQ")
        commands = [controls.poll() for _ in range(5)]
    assert commands == ["pause", "back", "next", "quit", None]


def test_arrow_keys_are_not_commands(terminal: tuple[int, int]) -> None:
    typed, read = terminal
    with KeyControls(read) as controls:
        os.write(typed, b"\x1b[B")  # arrow down ends in "B"
        assert controls.poll() is None


def test_cbreak_while_running_and_restored_after(terminal: tuple[int, int]) -> None:
    _, read = terminal
    before = termios.tcgetattr(read)
    with KeyControls(read):
        during = termios.tcgetattr(read)[3]
        assert not during & termios.ICANON and not during & termios.ECHO
        assert during & termios.ISIG  # Ctrl-C still interrupts
    assert termios.tcgetattr(read) == before


def test_restored_even_when_interrupted(terminal: tuple[int, int]) -> None:
    _, read = terminal
    before = termios.tcgetattr(read)
    with pytest.raises(KeyboardInterrupt), KeyControls(read):
        raise KeyboardInterrupt
    assert termios.tcgetattr(read) == before


def test_no_terminal_means_no_key_handling(terminal: tuple[int, int]) -> None:
    with terminal_keys(io.StringIO("n q")) as controls:
        assert controls is None
    with open(os.devnull) as devnull, terminal_keys(devnull) as controls:
        assert controls is None
    _, read = terminal
    with open(read, closefd=False) as tty, terminal_keys(tty) as controls:
        assert isinstance(controls, KeyControls)
