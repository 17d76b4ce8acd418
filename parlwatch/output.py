"""How the commands print: JSON as ``echo_json`` writes it, and long listings as they come,
a chunk at a time (a million captures are never held whole, nor printed a write per line)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice

import click


def echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def echo_lines(lines: Iterable[str], chunk: int = 1000) -> int:
    """Print ``lines`` as they come, ``chunk`` at a time (one write per line made a listing
    of a million captures slow); returns how many."""
    count = 0
    for batch in _batched(lines, chunk):
        click.echo("\n".join(batch))
        count += len(batch)
    return count


def echo_json_array(items: Iterable[object], chunk: int = 1000) -> None:
    """``echo_json`` of a list, byte for byte, printed ``chunk`` items at a time as they come."""
    first = True
    for batch in _batched(items, chunk):
        text = ",\n".join(_indented(item) for item in batch)
        click.echo(("[\n" if first else ",\n") + text, nl=False)
        first = False
    click.echo("[]" if first else "\n]")


def _batched(items: Iterable, size: int) -> Iterator[list]:
    """``items`` in lists of ``size`` (``itertools.batched`` arrived in Python 3.12)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# how json.dumps(ensure_ascii=False) writes each scalar, one C call for the common ones
_ENCODE_SCALAR = {
    str: json.encoder.encode_basestring,
    int: int.__repr__,
    bool: {True: "true", False: "false"}.__getitem__,
    type(None): lambda _none: "null",
    float: json.JSONEncoder(ensure_ascii=False).encode,  # NaN and Infinity its own way
}


def _flat(item: dict) -> bool:
    """Text keys and scalar values only (exact types: a subclass may encode otherwise)."""
    return all(type(k) is str and type(v) in _ENCODE_SCALAR for k, v in item.items())


def _indented(item: object) -> str:
    """An item of an ``echo_json`` list as it appears there: its lines two spaces in.

    A flat object (a capture row: scalars only) is put together from its keys and values
    encoded one by one, which gives the same bytes as ``json.dumps(indent=2)`` several times
    faster: with an indent, ``json`` falls back to its pure-Python encoder."""
    if isinstance(item, dict) and item and _flat(item):
        text = json.encoder.encode_basestring
        members = ",\n".join(
            f"    {text(key)}: {_ENCODE_SCALAR[type(value)](value)}" for key, value in item.items()
        )
        return "  {\n" + members + "\n  }"
    text = json.dumps(item, ensure_ascii=False, indent=2, default=str)
    return "  " + text.replace("\n", "\n  ")
