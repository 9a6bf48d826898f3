"""`config`: your defaults for run, plan and export, and where they are kept."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from voicecoach.cli.commands import App, Command, Group
from voicecoach.cli.root import Json, app, echo_json


class _ConfigGroup(Group):
    order = ("show", "set", "unset", "path")


class _WithKeys(Command):
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


config_app = App(
    cls=_ConfigGroup,
    help="""Your defaults for run, plan and export: voice, rate, volume, insoles, timings.

    Examples:
      voicecoach config show
      voicecoach config set rate 150
      voicecoach config unset rate
    """,
    no_args_is_help=True,
)
app.add_typer(config_app, name="config")

Key = Annotated[
    str,
    typer.Argument(
        metavar="KEY", help="A config key (see the list below)."
    ),
]


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
    """Print where the config file is (it may not exist yet).

    Examples:
      voicecoach config path
      $EDITOR "$(voicecoach config path)"
    """
    from voicecoach.config import config_path

    typer.echo(str(config_path()))


@config_app.command("show")
def config_show(json_output: Json = False) -> None:
    """Show each setting's value and where it comes from (the config file or the default).

    Examples:
      voicecoach config show
      voicecoach config show --json
    """
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
    "set", cls=_WithKeys, context_settings={"ignore_unknown_options": True}  # VALUE may be -1
)
def config_set(
    key: Key,
    value: Annotated[
        str,
        typer.Argument(
            metavar="VALUE", help="The new value, e.g. 150, 0.8, false."
        ),
    ],
) -> None:
    """Set KEY to VALUE in the config file (checked before saving).

    Examples:
      voicecoach config set rate 150
      voicecoach config set voice en-us+f3
      voicecoach config set insoles false
    """
    from voicecoach.config import config_path, load_config, parse_value, set_value
    from voicecoach.errors import ConfigError

    parsed = parse_value(key, value)
    _check_installed(key, parsed)
    config = set_value(key, parsed)
    typer.echo(f"{key} = {_shown(key, getattr(config, key))}  (saved in {config_path()})")
    try:
        load_config()
    except ConfigError as error:  # other lines are still wrong: say so, the change stands
        for line in str(error).splitlines():
            typer.echo(f"Warning: {line}", err=True)


def _check_installed(key: str, value: object) -> None:
    """Refuse an engine, voice or voice folder this machine does not have, before saving it."""
    from voicecoach.errors import ConfigError, EngineError

    if key == "engine" and isinstance(value, str):
        from voicecoach.speech import check_engine

        check_engine(value)
    elif key == "voice" and isinstance(value, str):
        from voicecoach.config import load_config
        from voicecoach.speech import open_engine

        try:
            engine = load_config().engine
        except ConfigError:
            engine = None
        try:  # an unknown voice is refused here, not at the next run
            open_engine(engine, voice=value)
        except EngineError:
            pass  # the engine cannot start here: nothing to check the voice against
    elif key == "piper_voices" and isinstance(value, str):
        from pathlib import Path

        if not Path(value).expanduser().is_dir():
            raise ConfigError(f"piper_voices: no such folder: {value}")


@config_app.command("unset", cls=_WithKeys)
def config_unset(key: Key) -> None:
    """Remove KEY from the config file, so its default applies again.

    Examples:
      voicecoach config unset rate
    """
    from voicecoach.config import DEFAULTS, config_path, unset_value

    if unset_value(key):
        if key not in DEFAULTS:  # a stray key, removed to mend the file
            typer.echo(f"{key} removed from {config_path()}")
            return
        typer.echo(f"{key} removed from {config_path()}; default: {_shown(key, DEFAULTS[key])}")
    else:
        typer.echo(f"{key} was not set in {config_path()}; default: {_shown(key, DEFAULTS[key])}")
