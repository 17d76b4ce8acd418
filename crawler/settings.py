"""Scrapy settings for parlwatch: polite defaults for real parliament sites.

Replicas on loopback get no delay (see ``crawler.runner.crawl_settings``). The environment
variables ``PARLWATCH_CONTACT``, ``PARLWATCH_MAX_LIST_PAGES`` and ``PARLWATCH_PARSE_WORKERS``
override their settings here; ``parlwatch crawl -s KEY=VALUE`` (as ``scrapy crawl -s``) overrides
any setting.
"""

import os


def _list_pages_from_env() -> int:
    value = os.environ.get("PARLWATCH_MAX_LIST_PAGES", "3").strip()
    if not value.isdigit():
        raise ValueError(
            f"PARLWATCH_MAX_LIST_PAGES must be a number of news-list pages (0: all), not {value!r}"
        )
    return int(value)


def _parse_workers_from_env() -> int:
    """``$PARLWATCH_PARSE_WORKERS``, else 0: a crawl parses in its own process.

    A worker was the default on two CPUs for a while; the full benchmark (3,992 pages, 2 cores)
    then measured the first crawl at 54 pages/s with it against 81 without (68 against 48 CPU
    seconds, 311 against 189 MB): shipping each page to a process and its records back cost
    more than the parsing it took off the reactor. ``reparse`` keeps its own workers."""
    value = os.environ.get("PARLWATCH_PARSE_WORKERS", "").strip()
    if value:
        if not value.isdigit():
            raise ValueError(
                f"PARLWATCH_PARSE_WORKERS must be a number of processes (0: none), not {value!r}"
            )
        return int(value)
    return 0


BOT_NAME = "parlwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Polite defaults (the library's own fallbacks are not polite).
ROBOTSTXT_OBEY = True
PARLWATCH_CONTACT = os.environ.get("PARLWATCH_CONTACT") or "https://github.com/parlwatch/parlwatch"
USER_AGENT = f"parlwatch/0.1 (research archiver; +{PARLWATCH_CONTACT})"
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# What a page yields (its item, the requests for its links) goes through one at a time: the
# pipeline's work is synchronous, so more in parallel gains nothing, and Scrapy starts this
# many asyncio tasks for every response (100 by default: ~400,000 tasks in a 4,000-page crawl).
CONCURRENT_ITEMS = 1
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Every response reaches the spider, so failed fetches are recorded as captures too.
HTTPERROR_ALLOW_ALL = True
REQUEST_FINGERPRINTER_CLASS = "crawler.fingerprint.LanguageAwareFingerprinter"

ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300}
# Redirects stay on the site: one to another host, or a loop, is a failed page, never followed.
# (Above RedirectMiddleware's 600: it sees each response first.)
DOWNLOADER_MIDDLEWARES = {"crawler.middlewares.SiteBoundRedirects": 650}
# A live progress line when stderr is a terminal; silent otherwise (and False turns it off).
# The crawl row's heartbeat, every PARLWATCH_HEARTBEAT seconds (0 turns it off).
EXTENSIONS = {"crawler.progress.CrawlProgress": 500, "crawler.heartbeat.CrawlHeartbeat": 100}
PARLWATCH_PROGRESS = True
PARLWATCH_HEARTBEAT = 30

# The archive: any SQLAlchemy URL; None means $PARLWATCH_DB or ./parlwatch.db.
PARLWATCH_DB = None
# How many pages of a paginated news list to follow (0: every page, for a full first crawl).
PARLWATCH_MAX_LIST_PAGES = _list_pages_from_env()
# Processes that parse the fetched pages while the crawl fetches (``crawler.parse_pool``; 0: parse
# in the crawl's own process).
PARLWATCH_PARSE_WORKERS = _parse_workers_from_env()

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
