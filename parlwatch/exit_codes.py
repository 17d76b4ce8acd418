"""Exit codes (README "Exit codes") and the one line an error that reached the top becomes.

Each kind of trouble has its own code, for scripts and schedulers; ``parlwatch.cli.main`` maps
an exception to its line and code with ``error_exit``.
"""

from __future__ import annotations

EXIT_FAILED = 1  # the command ran and found trouble: a crawl failed, verify found damage, ...
EXIT_USAGE = 2  # a bad option or argument (click's own code)
EXIT_NO_ARCHIVE = 3  # no archive at --db: a missing file or folder, or a directory
EXIT_DATABASE = 4  # the archive cannot be read: not a database, damaged, server unreachable
EXIT_UNSUPPORTED = 5  # --db names a database this installation has no driver for
EXIT_NEWER_ARCHIVE = 6  # the archive was written by a newer parlwatch
EXIT_BAD_INPUT = 7  # a file or value given could not be read or used
EXIT_INTERNAL = 8  # anything else: a bug (PARLWATCH_DEBUG=1 shows the traceback)
EXIT_REFUSED = 9  # a remote server (a web archive's CDX or replay) refused or was unreachable


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def error_exit(exc: BaseException) -> tuple[str, int]:
    """The one line and the exit code for an error that reached the top."""
    from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError
    from warcio.exceptions import ArchiveLoadFailed

    from archive.snapshots import IntegrityError
    from store.db import ArchiveNotFound, ArchiveUnusable, DatabaseUnsupported, SchemaTooNew

    if isinstance(exc, ArchiveNotFound):
        hint = "check --db / $PARLWATCH_DB, or crawl first"
        return f"no archive at {exc.path} ({hint})", EXIT_NO_ARCHIVE
    if isinstance(exc, ArchiveUnusable):
        return str(exc), EXIT_NO_ARCHIVE
    if isinstance(exc, SchemaTooNew):
        return str(exc), EXIT_NEWER_ARCHIVE
    if isinstance(exc, DatabaseUnsupported):
        return str(exc), EXIT_UNSUPPORTED
    if isinstance(exc, ArgumentError | NoSuchModuleError):
        return f"cannot use the archive database: {_first_line(exc)}", EXIT_UNSUPPORTED
    if isinstance(exc, DatabaseError | OperationalError):
        return f"cannot use the archive database: {_first_line(exc)}", EXIT_DATABASE
    if isinstance(exc, OSError | ValueError | LookupError | IntegrityError | ArchiveLoadFailed):
        return _first_line(exc), EXIT_BAD_INPUT
    return (
        f"unexpected {type(exc).__name__}: {_first_line(exc)} "
        "(a bug: rerun with PARLWATCH_DEBUG=1 and report the traceback)",
        EXIT_INTERNAL,
    )
