"""Shell completion for bash, zsh and fish: installing it, and answering the shell's requests
for routine names, voices, engines and config keys without loading anything heavy.

A parameter is completed by what it is called: an argument by its metavar (NAME, KEY, VALUE),
an option by its long name (--voice, --engine); see COMPLETERS. A new option of one of these
names completes with no more code."""

from __future__ import annotations

import os
from collections.abc import Callable, MutableMapping
from typing import Any

import typer
from typer._click.core import Command, Context, Parameter
from typer._click.exceptions import UsageError

SHELLS = ("bash", "zsh", "fish")


def _check_shell(value: str) -> str:
    if value not in SHELLS:
        raise UsageError(f"completion works in bash, zsh and fish, not {value!r}")
    return value


def _names(ctx: Context) -> tuple[str, str]:
    prog_name = ctx.find_root().info_name or "voicecoach"
    return prog_name, f"_{prog_name}_COMPLETE".replace("-", "_").upper()


def install_completion(ctx: Context, value: str | None) -> None:
    """Write the completion script for SHELL where that shell reads it, then stop."""
    if not value or ctx.resilient_parsing:
        return
    from typer._completion_shared import install

    prog_name, var = _names(ctx)
    shell, path = install(shell=_check_shell(value), prog_name=prog_name, complete_var=var)
    typer.echo(f"{shell} completion installed in {path}")
    typer.echo("Open a new terminal (or source that file) to use it.")
    ctx.exit(0)


def show_completion(ctx: Context, value: str | None) -> None:
    """Print the completion script for SHELL, to install by hand, then stop."""
    if not value or ctx.resilient_parsing:
        return
    from typer._completion_shared import get_completion_script

    prog_name, var = _names(ctx)
    typer.echo(get_completion_script(prog_name=prog_name, complete_var=var,
                                     shell=_check_shell(value)))
    ctx.exit(0)


def respond(
    cli: Command, ctx_args: MutableMapping[str, Any], prog_name: str, var: str,
    instruction: str,
) -> int:
    """Answer a completion request; `bash_complete` (click's order) and `complete_bash` (what
    the installed scripts send) both work."""
    from typer._completion_classes import completion_init
    from typer.completion import shell_complete

    completion_init()
    first, _, second = instruction.partition("_")
    if first in SHELLS or first in ("powershell", "pwsh"):
        instruction = f"{second}_{first}"
    return shell_complete(cli, ctx_args, prog_name, var, instruction)


def _cached_titles() -> dict[str, str]:
    """Routine titles by file path from the listing cache, if it is there (never rebuilt here)."""
    import json

    from voicecoach import paths

    try:
        files = json.loads((paths.cache_dir() / "listing.json").read_text(encoding="utf-8"))
        return {path: entry["row"].get("title", "") for path, entry in files["files"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def complete_routine(incomplete: str) -> list[tuple[str, str]]:
    """Routine names (built-in and yours) starting with what is typed, with their titles."""
    from voicecoach import catalog

    titles = _cached_titles()
    seen: dict[str, str] = {}
    for entry in catalog.entries():
        if entry.name.startswith(incomplete) and entry.name not in seen:
            seen[entry.name] = titles.get(str(entry.path), "")
    return list(seen.items())


def complete_voice(incomplete: str, engine: str | None = None) -> list[str]:
    """Voices as `--voice` takes them: `engine`'s, or with none named every installed engine's
    (a voice the natural engine lacks is spoken by the engine that has it). Read from the
    engines' data and the Piper voice folder; no engine is opened."""
    from voicecoach.engine_names import installed_engines

    names = [engine] if engine else installed_engines()
    found = {v for name in names if name in _VOICE_LISTS for v in _VOICE_LISTS[name]()}
    return sorted(v for v in found if v.lower().startswith(incomplete.lower()))


def _natural_voices() -> list[str]:
    from voicecoach.speech.natural import VOICE_ID

    return [VOICE_ID]


def _espeak_voices() -> list[str]:
    """eSpeak NG voice ids read from its data folder."""
    try:
        import espeakng_loader

        lang = os.path.join(espeakng_loader.get_data_path(), "lang")
    except (ImportError, OSError):
        return []
    return [name.lower() for _, _, files in os.walk(lang) for name in files]


def _piper_voices() -> list[str]:
    """The voices in the Piper voice folder (config key `piper_voices`), by name."""
    from voicecoach.speech.piper import configured_folders, models_in

    return [model.stem for model in models_in(configured_folders())]


_VOICE_LISTS: dict[str, Callable[[], list[str]]] = {
    "natural": _natural_voices, "espeak": _espeak_voices, "piper": _piper_voices,
}


def complete_engine(incomplete: str) -> list[str]:
    """Speech engine names (installed ones), without importing any engine."""
    from voicecoach.engine_names import installed_engines

    return [name for name in installed_engines() if name.startswith(incomplete)]


def complete_config_key(incomplete: str) -> list[tuple[str, str]]:
    """Config keys with what each one sets."""
    from voicecoach.config import KEYS, describe

    return [(key, describe(key)) for key in KEYS if key.startswith(incomplete)]


def complete_config_value(ctx: Context, incomplete: str) -> list[str]:
    """Values for the key already typed: voices, engines, true or false."""
    key = ctx.params.get("key")
    if key == "voice":
        return complete_voice(incomplete)
    if key == "engine":
        return complete_engine(incomplete)
    from voicecoach.config import DEFAULTS

    if isinstance(DEFAULTS.get(key), bool):
        return [word for word in ("true", "false") if word.startswith(incomplete)]
    return []


Completer = Callable[..., list[Any]]

# What each kind of parameter completes with (functions above, called with what is typed).
COMPLETERS: dict[str, str] = {
    "NAME": "complete_routine",
    "--voice": "complete_voice",
    "--engine": "complete_engine",
    "KEY": "complete_config_key",
    "VALUE": "complete_config_value",
}


def completer_for(param: Parameter) -> Completer | None:
    """The completion for a parameter, by its metavar or long option name (None: the shell's)."""
    names = [*param.opts] if param.param_type_name == "option" else [
        (param.metavar or "").strip("[]").rstrip(".")
    ]
    found = next((COMPLETERS[n] for n in names if n in COMPLETERS), None)
    if found is None:
        return None

    def complete(ctx: Context, param: Parameter, incomplete: str) -> list[Any]:
        from typer._click.shell_completion import CompletionItem

        function = globals()[found]
        if found == "complete_config_value":
            values = function(ctx, incomplete)
        elif found == "complete_voice":  # the engine named before it, if any
            values = function(incomplete, ctx.params.get("engine"))
        else:
            values = function(incomplete)
        return [
            CompletionItem(v[0], help=v[1] or None) if isinstance(v, tuple) else CompletionItem(v)
            for v in values
        ]

    return complete
