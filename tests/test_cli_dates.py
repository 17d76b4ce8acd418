"""One date grammar for every date option (issue 18, item 1): a partial date is a period,
--since/--from take its start and --until/--to/--at its end, numeric dates are day-first unless
ISO, relative words work, and anything else is an error naming the option."""

from __future__ import annotations

from datetime import datetime

import click
import pytest
from cli_commands import leaf_commands
from click.testing import CliRunner

from parlwatch.cli import cli
from parlwatch.cli_options import DateOption, parse_period, parse_when

NOW = datetime(2026, 12, 3, 14, 25)
DATE_NAMES = {"since", "until", "at", "from", "to"}
END_OPTIONS = {"--until", "--to", "--at"}


def date_options() -> list[tuple[tuple[str, ...], click.Command, click.Option]]:
    found = []
    for path, command in leaf_commands():
        for param in command.params:
            if isinstance(param, click.Option) and {o.lstrip("-") for o in param.opts} & DATE_NAMES:
                found.append((path, command, param))
    return found


def _ids(value):
    return " ".join(value) if isinstance(value, tuple) else None


def test_the_date_options_are_those_of_the_issue():
    names = {(" ".join(path), param.opts[0]) for path, _c, param in date_options()}
    assert {
        ("changes", "--since"),
        ("members", "--at"),
        ("report", "--since"),
        ("report", "--until"),
        ("captures", "--from"),
        ("captures", "--to"),
        ("snapshot", "--at"),
        ("show", "--at"),
        ("search", "--since"),
        ("reparse", "--since"),
        ("export warc", "--since"),
    } <= names


def _args_for(command: click.Command, option: click.Option, value: str) -> list[str]:
    """Dummy values for the command's required arguments and options, then the date option."""
    args: list[str] = []
    for param in command.params:
        if param is option or not param.required:
            continue
        if isinstance(param, click.Argument):
            args.append("x")
        else:
            args += [param.opts[0], "x"]
    return [*args, option.opts[0], value]


@pytest.mark.parametrize(
    ("path", "command", "option"), date_options(), ids=lambda v: _ids(v) or getattr(v, "name", "")
)
def test_every_date_option_reads_a_period_by_its_end(path, command, option):
    assert isinstance(option.type, DateOption), f"{' '.join(path)} {option.opts[0]} is no date"
    end = option.opts[0] in END_OPTIONS
    assert option.type.end is end
    help_text = " ".join(CliRunner().invoke(cli, [*path, "--help"]).output.split())
    assert "2026 (the year)" in help_text and "day" in help_text
    expected = {
        "2026": datetime(2026, 12, 31, 23, 59, 59, 999999) if end else datetime(2026, 1, 1),
        "2026-01": datetime(2026, 1, 31, 23, 59, 59, 999999) if end else datetime(2026, 1, 1),
        "03/04/2026": datetime(2026, 4, 3, 23, 59, 59, 999999) if end else datetime(2026, 4, 3),
    }
    for text, moment in expected.items():
        ctx = command.make_context(path[-1], _args_for(command, option, text))
        assert ctx.params[option.name] == moment, (path, option.opts[0], text)


@pytest.mark.parametrize(
    ("path", "command", "option"), date_options(), ids=lambda v: _ids(v) or getattr(v, "name", "")
)
@pytest.mark.parametrize("bad", ["next tuesday", "gibberish", "31.02.2026", "2026-13-01"])
def test_an_unreadable_date_is_an_error_naming_the_option(path, command, option, bad, tmp_path):
    args = [*path, *_args_for(command, option, bad)]
    if any(p.name == "db_url" for p in command.params):
        args += ["--db", str(tmp_path / "none.db")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert f"Invalid value for '{option.opts[0]}'" in result.output
    assert "not a date" in result.output
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026", datetime(2026, 1, 1), datetime(2026, 12, 31, 23, 59, 59, 999999)),
        ("2026-02", datetime(2026, 2, 1), datetime(2026, 2, 28, 23, 59, 59, 999999)),
        ("202606", datetime(2026, 6, 1), datetime(2026, 6, 30, 23, 59, 59, 999999)),
        ("31.01.2026", datetime(2026, 1, 31), datetime(2026, 1, 31, 23, 59, 59, 999999)),
        ("03/04/2026", datetime(2026, 4, 3), datetime(2026, 4, 3, 23, 59, 59, 999999)),
        ("04.2026", datetime(2026, 4, 1), datetime(2026, 4, 30, 23, 59, 59, 999999)),
        ("2026/04/03", datetime(2026, 4, 3), datetime(2026, 4, 3, 23, 59, 59, 999999)),
        ("2026-4-3", datetime(2026, 4, 3), datetime(2026, 4, 3, 23, 59, 59, 999999)),
        (
            "2026-04-03T10:30",
            datetime(2026, 4, 3, 10, 30),
            datetime(2026, 4, 3, 10, 30, 59, 999999),
        ),
        ("3 April 2026", datetime(2026, 4, 3), datetime(2026, 4, 3, 23, 59, 59, 999999)),
        ("марта 2026", datetime(2026, 3, 1), datetime(2026, 3, 31, 23, 59, 59, 999999)),
        ("today", datetime(2026, 12, 3), datetime(2026, 12, 3, 23, 59, 59, 999999)),
        ("yesterday", datetime(2026, 12, 2), datetime(2026, 12, 2, 23, 59, 59, 999999)),
        ("3 days ago", datetime(2026, 11, 30, 14, 25), datetime(2026, 11, 30, 14, 25)),
        ("now", NOW, NOW),
        ("2026-04-03T10:30+03:00", datetime(2026, 4, 3, 7, 30), datetime(2026, 4, 3, 7, 30)),
    ],
)
def test_the_grammar(text, start, end):
    period = parse_period(text, now=NOW)
    assert period is not None and (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    "text",
    [
        "next tuesday",
        "tuesday",
        "a",
        "x 2026",
        "31.02.2026",
        "2026/02/31",
        "",
        "999999999 days ago",
        "9999 years ago",
    ],
)
def test_what_the_grammar_refuses(text):
    assert parse_period(text, now=NOW) is None
    with pytest.raises(click.BadParameter, match="not a date"):
        parse_when(text, option="--since")
