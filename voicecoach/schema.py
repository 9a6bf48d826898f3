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
    _add_references(generated)
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


def _add_references(schema: dict[str, Any]) -> None:
    """Let each stretch be a library reference too: `use: ID` plus any field to override."""
    from voicecoach.routine.library import load_library

    stretch = schema["$defs"]["Stretch"]
    overrides = {
        name: {**field, "description": f"Overrides the library's: {field['description']}"}
        for name, field in stretch["properties"].items()
    }
    schema["$defs"]["StretchReference"] = {
        "type": "object",
        "description": "A stretch from the library (`voicecoach stretches`), with any field "
        "overridden, e.g. its hold.",
        "properties": {
            "use": {
                "type": "string",
                "enum": load_library().ids,
                "description": "The id of a library stretch, e.g. butterfly.",
            },
            **overrides,
        },
        "required": ["use"],
        "additionalProperties": False,
    }
    schema["properties"]["stretches"]["items"] = {
        "anyOf": [{"$ref": "#/$defs/Stretch"}, {"$ref": "#/$defs/StretchReference"}]
    }


def schema_text() -> str:
    """The schema as pretty-printed JSON, ending with a newline."""
    return json.dumps(routine_schema(), indent=2) + "\n"
