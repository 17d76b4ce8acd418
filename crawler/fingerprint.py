"""A request fingerprinter that tells the languages of one URL apart.

pacsto.org serves English and Russian at the same paths, chosen by ``Accept-Language``; Scrapy's
default fingerprint ignores headers, so its duplicate filter would drop the second language.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.utils.request import fingerprint


class LanguageAwareFingerprinter:
    @classmethod
    def from_crawler(cls, crawler) -> LanguageAwareFingerprinter:
        return cls()

    def fingerprint(self, request: Request) -> bytes:
        return fingerprint(request, include_headers=["Accept-Language"])
