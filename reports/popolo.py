"""Popolo JSON (persons, organizations, memberships) from the archive's member tenures."""

from __future__ import annotations

import re
from typing import Any

from store.tenures import Tenure

ASSEMBLY_ID = "csto-pa"
ASSEMBLY_NAME = "Parliamentary Assembly of the Collective Security Treaty Organization"


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-")


def person_id(tenure: Tenure) -> str:
    return "person/" + tenure.entity.split("/member/", 1)[-1]


def delegation_id(tenure: Tenure) -> str:
    return f"delegation/{(tenure.country or 'xx').lower()}/{tenure.source}"


def popolo(tenures: list[Tenure]) -> dict[str, Any]:
    """A Popolo document: one person per member entity, one organization per delegation
    (national chamber -> assembly), one membership per tenure. Unknown start dates are omitted,
    never invented."""
    persons: dict[str, dict] = {}
    organizations: dict[str, dict] = {
        ASSEMBLY_ID: {"id": ASSEMBLY_ID, "name": ASSEMBLY_NAME, "classification": "assembly"}
    }
    memberships: list[dict] = []
    for tenure in tenures:
        pid, oid = person_id(tenure), delegation_id(tenure)
        person = persons.setdefault(pid, {"id": pid, "name": tenure.name, "other_names": []})
        if tenure.name != person["name"] and tenure.name not in person["other_names"]:
            person["other_names"].append(tenure.name)
        organizations.setdefault(
            oid,
            {
                "id": oid,
                "name": f"Delegation of {tenure.chamber or tenure.source} ({tenure.country}) "
                "to the CSTO Parliamentary Assembly",
                "classification": "delegation",
                "parent_id": ASSEMBLY_ID,
                "area": {"id": tenure.country},
                "identifiers": [{"scheme": "parlwatch-site", "identifier": tenure.source}],
            },
        )
        membership = {
            "id": f"membership/{_slug(tenure.entity)}/{len(memberships) + 1}",
            "person_id": pid,
            "organization_id": oid,
            "role": tenure.role or "member",
        }
        if tenure.start is not None:
            membership["start_date"] = tenure.start.date().isoformat()
        if tenure.end is not None:
            membership["end_date"] = tenure.end.date().isoformat()
        membership["first_seen"] = tenure.first_seen.date().isoformat()
        memberships.append(membership)
    for person in persons.values():
        person["other_names"] = [{"name": name} for name in person["other_names"]]
    return {
        "persons": list(persons.values()),
        "organizations": list(organizations.values()),
        "memberships": memberships,
    }
