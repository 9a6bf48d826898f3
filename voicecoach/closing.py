"""A base for what is used in a `with` block and closed on leaving it."""

from __future__ import annotations

from typing import Self


class ClosedOnExit:
    """Entering gives the object itself; leaving the block calls its `close`."""

    def close(self) -> None:
        """Let go of what it holds."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
