"""Person keys are entity keys: an archive's history of a member is found by its key, so a key
must never change for a name already seen. ``person_keys.json`` pins the key of every name the
test fixtures, the replicas (every version, both parser families) and tests/test_names.py hold,
as the keys were before the parsers' name modules were merged."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.names import person_key

PINNED: dict[str, str] = json.loads(
    (Path(__file__).with_name("person_keys.json")).read_text(encoding="utf-8")
)


def test_every_pinned_name_keeps_its_key():
    changed = {name: (key, person_key(name)) for name, key in PINNED.items()}
    assert {name: keys for name, keys in changed.items() if keys[0] != keys[1]} == {}


def test_the_pins_cover_both_scripts_and_both_families():
    assert len(PINNED) > 250
    assert any("ё" in name.lower() or "уулу" in name for name in PINNED)
    assert {"Viktor Kogut", "Когут Виктор Валентинович"} <= PINNED.keys()
