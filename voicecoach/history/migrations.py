"""The history file's tables, version by version: a file of any older version is brought up to
date when it is opened, and nothing already recorded is lost."""

from __future__ import annotations


def _sessions_table(name: str, outcomes: tuple[str, ...]) -> str:
    """The CREATE TABLE statement of the sessions table, named `name`, allowing `outcomes`."""
    allowed = ", ".join(f"'{outcome}'" for outcome in outcomes)
    return f"""
        CREATE TABLE {name} (
            id INTEGER PRIMARY KEY,
            routine TEXT NOT NULL,
            title TEXT NOT NULL,
            started_at TEXT NOT NULL,
            utc_offset INTEGER NOT NULL,
            total_stretches INTEGER NOT NULL,
            stretches_completed INTEGER NOT NULL DEFAULT 0,
            seconds_done REAL NOT NULL DEFAULT 0,
            outcome TEXT CHECK (outcome IN ({allowed})),
            updated_at TEXT NOT NULL,
            ended_at TEXT
        )
        """


_OUTCOMES_1 = ("finished", "quit", "interrupted")

# One tuple of statements per schema version; version N is reached by running entry N-1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        _sessions_table("sessions", _OUTCOMES_1),
        "CREATE INDEX sessions_by_start ON sessions (started_at)",
    ),
    # 2: the outcome "skipped" (reached the end with parts skipped). SQLite cannot change a
    # CHECK in place, so the table is copied whole into one that allows it.
    (
        _sessions_table("sessions_2", (*_OUTCOMES_1, "skipped")),
        "INSERT INTO sessions_2 SELECT id, routine, title, started_at, utc_offset, "
        "total_stretches, stretches_completed, seconds_done, outcome, updated_at, ended_at "
        "FROM sessions",
        "DROP TABLE sessions",
        "ALTER TABLE sessions_2 RENAME TO sessions",
        "CREATE INDEX sessions_by_start ON sessions (started_at)",
    ),
    # 3: the options that composed a routine (JSON), NULL for a routine from a file.
    ("ALTER TABLE sessions ADD COLUMN composed TEXT",),
)
SCHEMA_VERSION = len(MIGRATIONS)
# started_at, updated_at, ended_at: UTC, ISO 8601 to the second. utc_offset: minutes east of UTC
# where the session started. outcome NULL: no end recorded (still running, or the process died).
