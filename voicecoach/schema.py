"""The JSON Schema of the routine format, generated from the model the loader itself uses."""

from __future__ import annotations

import json
from typing import Any

# Draft 7: the newest draft yaml-language-server (most editors' YAML support) fully
# understands. The schema uses no keyword from a later draft; `$defs` is only a place `$ref`
# points into.
DIALECT = "http://json-schema.org/draft-07/schema#"
FILENAME = "voicecoach-routine.schema.json"


def routine_schema() -> dict[str, Any]:
    """The routine format as a JSON Schema (draft 7), for editors and other tools."""
    from voicecoach import routine

    generated = routine.Routine.model_json_schema()
    generated.pop("title", None)
    generated.pop("description", None)
    hours = routine.MAX_ROUTINE_SECONDS // 3600
    mib = routine.MAX_FILE_BYTES // 1024 // 1024
    return {
        "$schema": DIALECT,
        "title": "voicecoach routine",
        "description": (
            "A stretching routine for voicecoach, written in YAML. `voicecoach validate FILE` "
            "also checks what this schema cannot say: the holds, reps, transitions and rests "
            f"together last at most {hours} hours; the file is UTF-8, at most {mib} MiB, "
            f"nested at most {routine.MAX_DEPTH} levels, with at most {routine.MAX_NODES:,} "
            "values, no duplicate keys, no aliases (*name), no merge keys (<<) and no tags "
            "that build objects."
        ),
        **generated,
    }


def schema_text() -> str:
    """The schema as pretty-printed JSON, ending with a newline."""
    return json.dumps(routine_schema(), indent=2) + "\n"
