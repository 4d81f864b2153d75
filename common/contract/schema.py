"""The JSON Schema snapshot of every contract model (schema.json, checked in).

    python -m common.contract.schema           # add the schema of a new model or version to schema.json
    python -m common.contract.schema --check   # exit 1 if any model differs from the snapshot

A published version is never rewritten: a model that changes needs a new schema version (a new key in
EVENTS or TOPICS); the old version's schema stays, since stores in the field still send or read it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .events import EVENTS
from .topics import TOPICS

SNAPSHOT = Path(__file__).with_name("schema.json")


def current() -> dict[str, Any]:
    """Every model's JSON Schema, keyed `event:<type>@<version>` and `topic:<topic>@<version>`."""
    out: dict[str, Any] = {}
    for (type_, version), model in EVENTS.items():
        out[f"event:{type_}@{version}"] = model.model_json_schema()
    for topic, (version, model) in TOPICS.items():
        out[f"topic:{topic}@{version}"] = model.model_json_schema()
    return dict(sorted(out.items()))


def snapshot() -> dict[str, Any]:
    return json.loads(SNAPSHOT.read_text(encoding="utf-8")) if SNAPSHOT.is_file() else {}


def changed_versions(now: dict[str, Any], saved: dict[str, Any]) -> list[str]:
    """Keys whose published schema no longer matches its model."""
    return sorted(k for k in now.keys() & saved.keys() if now[k] != saved[k])


def main(argv: list[str]) -> int:
    now, saved = current(), snapshot()
    changed = changed_versions(now, saved)
    if changed:
        print("changed without a new schema version (add a new version instead): " + ", ".join(changed))
        return 1
    missing = sorted(now.keys() - saved.keys())
    if "--check" in argv:
        if missing:
            print("not in schema.json yet (run python -m common.contract.schema): " + ", ".join(missing))
        return 1 if missing else 0
    merged = dict(sorted({**saved, **now}.items()))  # versions no longer in code stay published
    SNAPSHOT.write_text(json.dumps(merged, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"schema.json: {len(missing)} added, {len(merged)} in all")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
