"""The fault suite (issue 15): faults injected by a proxy in front of the pacsto replica, each
scenario a fault crawl then a clean recovery crawl, asserting no false change, the right crawl
status and no capture from another host. ``python -m tests.faults.table`` prints the results."""
