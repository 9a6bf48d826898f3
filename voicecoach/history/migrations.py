"""The history file's tables, version by version: a file of any older version is brought up to
date when it is opened, and nothing already recorded is lost."""

from __future__ import annotations

# One tuple of statements per schema version; version N is reached by running entry N-1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            routine TEXT NOT NULL,
            title TEXT NOT NULL,
            started_at TEXT NOT NULL,
            utc_offset INTEGER NOT NULL,
            total_stretches INTEGER NOT NULL,
            stretches_completed INTEGER NOT NULL DEFAULT 0,
            seconds_done REAL NOT NULL DEFAULT 0,
            outcome TEXT CHECK (outcome IN ('finished', 'quit', 'interrupted')),
            updated_at TEXT NOT NULL,
            ended_at TEXT
        )
        """,
        "CREATE INDEX sessions_by_start ON sessions (started_at)",
    ),
    # 2: the outcome "skipped" (reached the end with parts skipped). SQLite cannot change a
    # CHECK in place, so the table is copied whole into one that allows it.
    (
        """
        CREATE TABLE sessions_2 (
            id INTEGER PRIMARY KEY,
            routine TEXT NOT NULL,
            title TEXT NOT NULL,
            started_at TEXT NOT NULL,
            utc_offset INTEGER NOT NULL,
            total_stretches INTEGER NOT NULL,
            stretches_completed INTEGER NOT NULL DEFAULT 0,
            seconds_done REAL NOT NULL DEFAULT 0,
            outcome TEXT CHECK (outcome IN ('finished', 'quit', 'interrupted', 'skipped')),
            updated_at TEXT NOT NULL,
            ended_at TEXT
        )
        """,
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
