"""Notifications escape scraped text (issue 18, item 8): a ``<script>`` or ``<b>`` in a news title
arrives in the e-mail's HTML part as text, and no line is cut inside markup. Sent through Apprise
to a real SMTP server on loopback."""

from __future__ import annotations

import email
import socketserver
import threading
from datetime import datetime
from email.message import Message
from html.parser import HTMLParser

import pytest

from parlwatch.notify.messages import text_message
from parlwatch.notify.senders import send_apprise, text_as_html
from store.crawl_history import CrawlInfo
from store.queries import ChangeRow

TITLE = (
    "<script>alert('x')</script><b>Заседание Совета ПА ОДКБ & the <i>Standing Commission</i> "
    "on defence and security, held in Minsk, with a title long enough to be cut</b>"
)


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for one client to deliver messages (RFC 5321, no extensions)."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sink")
        while line := self.rfile.readline():
            verb = line.decode("ascii", "replace").strip().split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "DATA":
                self.reply("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.messages.append(email.message_from_bytes(data))
                self.reply("250 kept")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_sink():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.messages = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _crawl() -> CrawlInfo:
    moment = datetime(2026, 6, 1, 6, 0)
    return CrawlInfo(7, "pacsto", "finished", None, moment, moment, {}, {})


def _rows() -> list[ChangeRow]:
    news = ChangeRow(
        "pacsto/en/news/1",
        "news",
        None,
        "en",
        "added",
        "",
        None,
        {"title": TITLE},
        "news",
        "2026-06-01",
        7,
    )
    edited = ChangeRow(
        "pacsto/en/delegation/RU",
        "delegation",
        "RU",
        "en",
        "changed",
        "chair",
        "<a href='x'>Old chair name that is rather long and will be shortened here</a>",
        "New <u>chair</u>",
        "membership",
        "2026-06-01",
        7,
    )
    return [news, edited]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.open: list[str] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag != "br":
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, (tag, self.open)
        self.open.pop()

    def handle_data(self, data):
        self.text += data


def _html_part(message: Message) -> str:
    parts = [p for p in message.walk() if p.get_content_type() == "text/html"]
    assert parts, "the e-mail has no HTML part"
    return parts[0].get_payload(decode=True).decode(parts[0].get_content_charset() or "utf-8")


def test_a_script_in_a_news_title_arrives_as_text_in_the_email(smtp_sink):
    title, body = text_message(_crawl(), _rows())
    port = smtp_sink.server_address[1]
    send_apprise(
        f"mailto://127.0.0.1:{port}?from=parlwatch@example.org&to=team@example.org&mode=insecure",
        title,
        body,
    )
    assert len(smtp_sink.messages) == 1
    page = _html_part(smtp_sink.messages[0])
    assert "<script" not in page and "<b>" not in page and "<i>" not in page and "<u>" not in page
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in page
    parsed = _Tags()
    parsed.feed(page)
    parsed.close()
    assert set(parsed.tags) <= {"html", "body", "p", "br"}, parsed.tags
    assert parsed.open == [], "an element was left open"
    assert "<script>alert('x')</script><b>Заседание" in parsed.text
    assert "New <u>chair</u>" in parsed.text  # the end of the message is not swallowed
    plain = [p for p in smtp_sink.messages[0].walk() if p.get_content_type() == "text/plain"]
    assert not plain or "alert" in plain[0].get_payload(decode=True).decode("utf-8")


def test_every_line_of_the_html_is_whole():
    _title, body = text_message(_crawl(), _rows())
    page = text_as_html(body)
    lines = page.removeprefix("<html><body><p>").removesuffix("</p></body></html>").split("\n")
    assert len(lines) == len(body.splitlines())
    for line in lines:
        parsed = _Tags()
        parsed.feed(line)
        assert set(parsed.tags) <= {"br"} and parsed.open == [], line
