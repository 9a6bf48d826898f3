"""`list`: every routine in a few lines each. It loads nothing but the cached summaries, so it
starts about as fast as the program itself."""

from __future__ import annotations

import typer

from voicecoach.cli.layout import NARROWEST, echo_lines, terminal_width, wrap
from voicecoach.cli.root import Json, app, echo_json
from voicecoach.timefmt import duration


@app.command("list")
def list_routines(json_output: Json = False) -> None:
    """List every routine: name, title, length, when to do it, targets.

    Examples:
      voicecoach list
      voicecoach list --json
    """
    from voicecoach import listing

    rows = listing.summaries()
    for warning in listing.clash_warnings():
        from voicecoach.text import printable

        typer.echo(printable(warning), err=True)
    if json_output:
        echo_json(rows)
        return
    if not rows:
        typer.echo("No routines found.")
        return
    width = max(len(r["name"]) for r in rows)
    columns = terminal_width()
    # Narrow terminals: title and targets go below the name, indented a little.
    pad = width + 2 if columns is None or columns - width - 11 >= NARROWEST else 2
    for r in rows:
        mark = "" if r["builtin"] else "  (yours)"
        if r.get("error"):
            first = f"{r['name']:<{width}}  "
            echo_lines(wrap(f"cannot be loaded: {r['error']}{mark}", columns, first, indent=pad))
            continue
        first = f"{r['name']:<{width}}  {duration(r['seconds']):>5}  {r['when']:<10}  "
        echo_lines(wrap(f"{r['title']}{mark}", columns, first, indent=pad))
        echo_lines(wrap(", ".join(r["targets"]), columns, f"{'':<{pad}}targets: "))
