"""Everything an archivist touches: the capture index, snapshots, TimeMaps, WARC in and out, CDXJ.

It reads the store through its query API and imports through the crawler's ingest path, so a
WARC import obeys the same rules as a crawl.
"""
