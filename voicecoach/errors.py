"""One family of errors with messages meant for people, and the exit codes they map to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the `voicecoach` command."""

    OK = 0
    FAILURE = 1  # the engine or the system could not do the job
    BAD_INPUT = 2  # a routine, option or config file is wrong
    INTERRUPTED = 130  # Ctrl-C


class VoicecoachError(Exception):
    """Base of every error the command line reports as `Error: ...`."""

    exit_code: ExitCode = ExitCode.FAILURE


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a routine file, located where it is."""

    line: int | None
    column: int | None
    field: str
    message: str

    def format(self, source: str) -> str:
        from voicecoach.text import printable

        return printable(self._format(source))

    def _format(self, source: str) -> str:
        where = source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class RoutineError(VoicecoachError):
    """A routine file (or name) that cannot be used; carries every problem found."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__("\n".join(p.format(source) for p in self.problems))

    @classmethod
    def single(
        cls,
        source: str,
        message: str,
        *,
        field: str = "",
        line: int | None = None,
        column: int | None = None,
    ) -> RoutineError:
        return cls(source, [Problem(line, column, field, message)])


class UsageError(VoicecoachError):
    """A command-line value that makes no sense (an unknown voice, a bad option)."""

    exit_code = ExitCode.BAD_INPUT


class EngineError(VoicecoachError):
    """The speech engine could not start or render."""

    exit_code = ExitCode.FAILURE


class ConfigError(VoicecoachError):
    """The config file cannot be used, or a `config set` value is wrong."""

    exit_code = ExitCode.BAD_INPUT


class HistoryError(VoicecoachError):
    """The session history file cannot be opened, read or written."""

    exit_code = ExitCode.FAILURE


class AudioError(VoicecoachError):
    """Sound cannot be played here (no device, or the device stopped)."""

    exit_code = ExitCode.FAILURE


class HistoryBusy(HistoryError):
    """Another program holds the history file locked; writing again later may succeed."""


class ListenError(VoicecoachError):
    """Voice commands cannot be heard: the recogniser or the microphone is missing or failed."""

    exit_code = ExitCode.FAILURE
