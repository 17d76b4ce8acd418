"""Every leaf command of ``parlwatch``, with its path: for the tests that check them all."""

from __future__ import annotations

from collections.abc import Iterator

import click

from parlwatch.cli import cli


def leaf_commands(
    group: click.Group = cli, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """(path, command) for every command that is not a group, lazily loaded ones too
    (``list_commands``/``get_command``, not ``group.commands``)."""
    ctx = click.Context(group)
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        if isinstance(command, click.Group):
            yield from leaf_commands(command, (*path, name))
        else:
            yield (*path, name), command
