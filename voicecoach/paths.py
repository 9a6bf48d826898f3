"""Where voicecoach keeps things: shipped routines and the user's own folders."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "voicecoach"
HOME_ENV = "VOICECOACH_HOME"


def builtin_routines_dir() -> Path:
    """The shipped routines: inside the installed package, or `routines/` in a source checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "routines"
    if installed.is_dir():
        return installed
    return package.parent / "routines"


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    """The user's config folder (holds `routines/` and `config.yaml`)."""
    home = _home()
    if home is not None:
        return home
    import platformdirs  # imported here: only commands that need it pay for it

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The user's data folder (session history)."""
    home = _home()
    if home is not None:
        return home / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """The user's cache folder (rendered speech clips); safe to delete."""
    home = _home()
    if home is not None:
        return home / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def user_routines_dir() -> Path:
    """Routines the user wrote or copied; they sit beside the built-in ones."""
    return config_dir() / "routines"
