"""`config`: your defaults for run, plan and export, and where they are kept."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from voicecoach.cli.options import Json
from voicecoach.cli.root import app, echo_json


class _WithKeys(TyperCommand):
    """A command whose help ends with every config key, described only when help is shown."""

    @property  # type: ignore[override]
    def help(self) -> str | None:
        if not self._help:
            return self._help
        from voicecoach.config import KEYS, describe

        width = max(len(key) for key in KEYS)
        keys = "\n".join(f"  {key:<{width}}  {describe(key)}" for key in KEYS)
        return f"{self._help}\n\n\b\nKeys:\n{keys}"

    @help.setter
    def help(self, value: str | None) -> None:
        self._help = value


config_app = typer.Typer(
    help="Your defaults for run, plan and export: voice, rate, volume, insoles, timings.",
    no_args_is_help=True,
)
app.add_typer(config_app, name="config")

Key = Annotated[str, typer.Argument(help="A config key (see the list below).")]


def _shown(key: str, value: Any) -> str:
    from voicecoach.config import DEFAULT_NOTES

    if value is None:
        return DEFAULT_NOTES.get(key, "-")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@config_app.command("path")
def config_path_command() -> None:
    """Print where the config file is (it may not exist yet)."""
    from voicecoach.config import config_path

    typer.echo(str(config_path()))


@config_app.command("show")
def config_show(json_output: Json = False) -> None:
    """Show each setting's value and where it comes from (the config file or the default)."""
    from voicecoach.config import config_path, effective, load_config

    path = config_path()
    values = effective(load_config(path))
    if json_output:
        echo_json({
            "path": str(path),
            "exists": path.exists(),
            "settings": {k: {"value": v, "source": s} for k, (v, s) in values.items()},
        })
        return
    typer.echo(f"{path}{'' if path.exists() else '  (not created yet: every value is a default)'}")
    width = max(len(k) for k in values)
    shown = {k: _shown(k, v) for k, (v, _) in values.items()}
    value_width = max(len(v) for v in shown.values())
    for key, (_, source) in values.items():
        typer.echo(f"  {key:<{width}}  {shown[key]:<{value_width}}  {source}")
    typer.echo("Command-line options override these for one run.")


@config_app.command(
    "set", cls=_WithKeys, help="Set KEY to VALUE in the config file (checked before saving)."
)
def config_set(
    key: Key,
    value: Annotated[str, typer.Argument(help="The new value, e.g. 150, 0.8, false.")],
) -> None:
    from voicecoach.config import config_path, load_config, parse_value, set_value
    from voicecoach.errors import ConfigError

    parsed = parse_value(key, value)
    if key == "voice":
        from voicecoach.errors import EngineError
        from voicecoach.speech import open_engine

        try:
            open_engine(voice=parsed)  # an unknown voice is refused here, not at the next run
        except EngineError:
            pass  # no engine on this machine: nothing to check the voice against
    config = set_value(key, parsed)
    typer.echo(f"{key} = {_shown(key, getattr(config, key))}  (saved in {config_path()})")
    try:
        load_config()
    except ConfigError as error:  # other lines are still wrong: say so, the change stands
        for line in str(error).splitlines():
            typer.echo(f"Warning: {line}", err=True)


@config_app.command("unset", cls=_WithKeys)
def config_unset(key: Key) -> None:
    """Remove KEY from the config file, so its default applies again."""
    from voicecoach.config import DEFAULTS, config_path, unset_value

    if unset_value(key):
        if key not in DEFAULTS:  # a stray key, removed to mend the file
            typer.echo(f"{key} removed from {config_path()}")
            return
        typer.echo(f"{key} removed from {config_path()}; default: {_shown(key, DEFAULTS[key])}")
    else:
        typer.echo(f"{key} was not set in {config_path()}; default: {_shown(key, DEFAULTS[key])}")
