"""The command and group classes every command is built on: plain help in a set order, an
Examples section, usage without braces, and parse errors in the program's own words."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, MutableMapping
from difflib import get_close_matches
from typing import TYPE_CHECKING, Any

import typer
from typer._click import types
from typer._click.core import Context, Parameter
from typer._click.exceptions import BadParameter, MissingParameter, NoSuchOption, UsageError
from typer.core import TyperCommand, TyperGroup

from voicecoach.errors import VoicecoachError

if TYPE_CHECKING:  # the help formatter loads only when help is shown
    from typer._click.core import Command as ClickCommand
    from typer._click.formatting import HelpFormatter

EXAMPLES = "Examples:"


def split_examples(text: str) -> tuple[str, list[str]]:
    """Help text without its `Examples:` block, and that block's lines (indented ones after it).

    The convention: a line `Examples:` in a docstring, then one indented command per line.
    """
    lines = text.splitlines()
    if EXAMPLES not in (line.strip() for line in lines):
        return text, []
    start = next(i for i, line in enumerate(lines) if line.strip() == EXAMPLES)
    end = start + 1
    while end < len(lines) and (lines[end].startswith(" ") or not lines[end].strip()):
        end += 1
    examples = [line.strip() for line in lines[start + 1 : end] if line.strip()]
    rest = "\n".join(lines[:start] + lines[end:]).strip()
    return rest, examples


def error_lines(message: str) -> None:
    """`Error: ...` on stderr for each line of `message`, control characters made visible."""
    from voicecoach.text import printable

    for line in message.splitlines() or [""]:
        typer.echo(f"Error: {printable(line)}", err=True)


def summary(help_text: str | None) -> str:
    """The first line of a help text, whole: what a command list shows."""
    return (help_text or "").strip().partition("\n")[0].strip()


def _number(value: float | None) -> str:
    return f"{value:g}"


class Number(types.ParamType):
    """A number, in a range or not, whose errors say what to give in plain words."""

    def __init__(self, inner: types.ParamType) -> None:
        self.inner = inner
        self.name = inner.name
        self.low: float | None = getattr(inner, "min", None)
        self.high: float | None = getattr(inner, "max", None)
        self.whole = isinstance(inner, types.IntParamType)

    def span(self) -> str:
        """`5 to 600`, `at least 1`, or "" with no bounds."""
        if self.low is not None and self.high is not None:
            return f"{_number(self.low)} to {_number(self.high)}"
        if self.low is not None:
            return f"at least {_number(self.low)}"
        if self.high is not None:
            return f"at most {_number(self.high)}"
        return ""

    def wanted(self) -> str:
        kind = "a whole number" if self.whole else "a number"
        span = self.span()
        return f"{kind} from {span}" if " to " in span else f"{kind} {span}".rstrip()

    def convert(self, value: Any, param: Parameter | None, ctx: Context | None) -> Any:
        try:
            return self.inner.convert(value, param, ctx)
        except BadParameter:
            name = _param_label(param) if param is not None else "the value"
            raise UsageError(f"{name} takes {self.wanted()}, not {value}", ctx) from None


def _param_label(param: Parameter) -> str:
    if param.param_type_name == "option":
        return max(param.opts, key=len)
    return param.human_readable_name


def _completions(params: list[Parameter]) -> None:
    """Routine names, voices, engines and config keys completed wherever they are asked for."""
    from voicecoach.cli.completion import completer_for

    for param in params:
        if getattr(param, "_custom_shell_complete", None) is None:
            param._custom_shell_complete = completer_for(param)  # type: ignore[attr-defined]


def _plain_numbers(params: list[Parameter]) -> None:
    """Numbers get our error wording; a range is told in words in the help, not `[5<=x<=600]`."""
    for param in params:
        if isinstance(param.type, types._NumberParamTypeBase):
            number = Number(param.type)
            param.type = number
            span = number.span()
            if span and getattr(param, "help", None) is not None and span not in param.help:
                param.help = f"{param.help}  [{span}]"  # type: ignore[attr-defined]


_REWORDED: list[tuple[str, Callable[[re.Match[str]], str]]] = [
    (r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)",
     lambda m: f"unexpected argument: {m[1]}"),
    (r"Option '(.*)' requires an argument\.", lambda m: f"{m[1]} needs a value"),
    (r"Option '(.*)' does not take a value\.", lambda m: f"{m[1]} takes no value"),
    (r"Missing argument '(.*)'\.", lambda m: f"missing {m[1]}"),
    (r"Missing option '(.*)'\.", lambda m: f"missing {m[1]}"),
]


def reword(error: UsageError) -> None:
    """Put a parse error in the program's words (in place), e.g. "no option --rat; did you
    mean --rate?" instead of "No such option: --rat (Possible options: --rate)"."""
    if getattr(error, "reworded", False):  # nested groups see the same error on its way out
        return
    setattr(error, "reworded", True)  # noqa: B010
    if isinstance(error, NoSuchOption):
        close = get_close_matches(error.option_name, error.possibilities or [], n=1, cutoff=0)
        hint = f"; did you mean {close[0]}?" if close else ""
        error.message = f"there is no option {error.option_name}{hint}"
        error.possibilities = None
        return
    if isinstance(error, MissingParameter) and error.param is not None:
        error.param_hint = None
        param = error.param
        what = summary(getattr(param, "help", None)).rstrip(".")
        error.message = f"missing {_param_label(param)}" + (f": {what[0].lower()}{what[1:]}"
                                                             if what else "")
        error.__class__ = UsageError  # shown as the message alone, no "Invalid value"
        return
    if isinstance(error, BadParameter):
        param = error.param
        label = _param_label(param) if param is not None else "value"
        message = error.message.rstrip(".")
        choice = re.fullmatch(r"(.*) is not one of (.*)", message)
        if choice:  # from a fixed set of words, e.g. --tight-side left or right
            words = [w.strip(" '") for w in choice[2].split(",")]
            wanted = ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else words[0]
            error.message = f"{label} takes {wanted}, not {choice[1].strip(chr(39))}"
        else:
            error.message = f"{label}: {message[:1].lower()}{message[1:]}"
        error.__class__ = UsageError
        return
    for pattern, words in _REWORDED:
        match = re.fullmatch(pattern, error.message)
        if match:
            error.message = words(match)
            return


class _Reworded:
    """Mixin: usage errors raised while parsing are reworded in our own words."""

    def make_context(self, *args: Any, **kwargs: Any) -> Context:
        try:
            return super().make_context(*args, **kwargs)  # type: ignore[misc]
        except UsageError as error:
            reword(error)
            raise


class Command(_Reworded, TyperCommand):
    """A command whose help is plain: whole summary, usage without braces, examples last."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_numbers(self.params)
        _completions(self.params)

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.short_help or summary(split_examples(self.help or "")[0])

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        return [_unbraced(piece) for piece in super().collect_usage_pieces(ctx)]

    def format_help_text(self, ctx: Context, formatter: HelpFormatter) -> None:
        _help_text(self.help, formatter)

    def format_epilog(self, ctx: Context, formatter: HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        _examples(self.help, formatter)  # always last


def _unbraced(piece: str) -> str:
    """`{NAME}` (how the framework marks a required argument) as `NAME`."""
    return piece[1:-1] if piece.startswith("{") and piece.endswith("}") else piece


def _help_text(help_text: str | None, formatter: HelpFormatter) -> None:
    text = split_examples(help_text or "")[0]
    if text:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(text)


def _examples(help_text: str | None, formatter: HelpFormatter) -> None:
    examples = split_examples(help_text or "")[1]
    if examples:
        with formatter.section("Examples"):
            for line in examples:
                formatter.write(f"{'':>{formatter.current_indent}}{line}\n")


class Group(_Reworded, TyperGroup):
    """A group of commands: listed in `order`, help on stdout when called alone, our own
    errors as `Error: ...` with an exit code, never a traceback."""

    order: tuple[str, ...] = ()  # commands listed first, in this order; the others after them

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_numbers(self.params)

    def list_commands(self, ctx: Context) -> list[str]:
        known = [name for name in self.order if name in self.commands]
        return known + [name for name in self.commands if name not in self.order]

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands[name]
            if not command.hidden:
                rows.append((name, command.get_short_help_str()))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.short_help or summary(split_examples(self.help or "")[0])

    def format_help_text(self, ctx: Context, formatter: HelpFormatter) -> None:
        _help_text(self.help, formatter)

    def format_epilog(self, ctx: Context, formatter: HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        _examples(self.help, formatter)  # always last

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            typer.echo(ctx.get_help())  # asked for nothing: help, on stdout, and success
            ctx.exit(0)
        return super().parse_args(ctx, args)

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, ClickCommand | None, list[str]]:
        command = self.get_command(ctx, args[0])
        if command is None and not ctx.resilient_parsing and not args[0].startswith("-"):
            close = get_close_matches(args[0], self.list_commands(ctx), n=2)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            raise UsageError(f"there is no command {args[0]!r}{hint}", ctx)
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as error:
            reword(error)
            raise
        except VoicecoachError as error:
            error_lines(str(error))
            ctx.exit(int(error.exit_code))

    def _main_shell_completion(
        self, ctx_args: MutableMapping[str, Any], prog_name: str, complete_var: str | None = None
    ) -> None:
        var = complete_var or f"_{prog_name}_COMPLETE".replace("-", "_").upper()
        instruction = os.environ.get(var)
        if not instruction:
            return
        from voicecoach.cli.completion import respond

        sys.exit(respond(self, ctx_args, prog_name, var, instruction))


class App(typer.Typer):
    """A Typer app whose commands are `Command`s unless told otherwise."""

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None,
                **kwargs: Any) -> Any:
        return super().command(name, cls=cls or Command, **kwargs)
