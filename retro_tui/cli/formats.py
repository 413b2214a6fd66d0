"""`retro-tui themes`: the retro formats, shipped and from the user's formats folder."""

from __future__ import annotations

import click

from retro_tui.cli.plumbing import Context, with_context
from retro_tui.domain.text import make_visible


@click.command("themes")
@with_context
def list_themes(ctx: Context) -> None:
    """List the retro formats (built in and from your formats folder)."""
    from retro_tui.themes import load_formats, user_formats_dir

    catalog = load_formats()
    for fmt in catalog.formats.values():
        columns = " / ".join(c.title for c in fmt.columns)
        click.echo(f"{fmt.key:<22} {fmt.name}  [{columns}]")
    for error in catalog.errors:
        click.echo(f"skipped: {make_visible(str(error), multiline=False)}", err=True)
    click.echo(f"\nAdd your own formats as TOML files in {user_formats_dir()}")


COMMANDS: tuple[click.Command, ...] = (list_themes,)
