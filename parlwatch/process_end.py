"""Ending the process without freeing what a command built, as mypy's ``hard_exit`` does.

A report over 100,000 changes holds millions of small objects. Freeing them one by one when
the command returns, and then tearing the interpreter down, took a quarter of a second of a
3.6 s command, to give memory back to a process that is about to end. A command hands what it
built to ``keep_until_exit``; the program (``parlwatch.cli.console``, which enables this)
then ends the process with ``os._exit`` once its output is flushed. Everywhere else (tests
through click's runner or ``cli.main``, a library caller) ``keep_until_exit`` keeps nothing
and the objects are dropped as usual. A command that keeps something must have closed what
it opened (files, the archive's connections) first: nothing is closed for it.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

_kept: list[object] = []
_enabled = False


def enable() -> None:
    """Called by the program only (``parlwatch.cli.console``): ``keep_until_exit`` keeps from
    now on."""
    global _enabled
    _enabled = True


def keep_until_exit(*values: object) -> None:
    """Keep ``values`` alive until the process ends (when the entry point enabled it). The
    cyclic collector is told to leave them alone too (``gc.freeze``): they were made with it
    off, and its next young collection would otherwise walk all of them."""
    if _enabled:
        _kept.extend(values)
        gc.freeze()


def end_now_if_kept(code: int) -> None:
    """End the process with ``code`` at once when something was kept: output streams and
    logging are flushed; nothing is freed. Returns when nothing was kept."""
    if not _kept:
        return
    if "logging" in sys.modules:  # its handlers flushed, as at a normal exit
        sys.modules["logging"].shutdown()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed pipe: nothing more can be said there
            stream.flush()
    os._exit(code)


@contextmanager
def ended_at_once_when_kept() -> Iterator[None]:
    """Around a command line: on its clean exit (an exit code, not a message), end the
    process at once if a command kept what it built."""
    try:
        yield
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            end_now_if_kept(done.code or 0)
        raise
