"""Record ids: random (version 4) for anything, time-ordered (version 7) for the rows a sale writes by the dozen."""

from __future__ import annotations

import time
import uuid

from common.tables import new_id, new_seq_id


def test_ids_are_uuids_of_their_version_as_python_writes_them() -> None:
    for make, version in ((new_id, 4), (new_seq_id, 7)):
        made = [make() for _ in range(500)]
        assert len(set(made)) == 500
        for text in made:
            parsed = uuid.UUID(text)
            assert (str(parsed), parsed.version, parsed.variant) == (text, version, uuid.RFC_4122)


def test_time_ordered_ids_sort_by_the_millisecond_they_were_made() -> None:
    first = new_seq_id()
    time.sleep(0.002)
    later = [new_seq_id() for _ in range(100)]
    assert all(first < text for text in later)
    ms = int(first.replace("-", "")[:12], 16)
    assert abs(ms - time.time_ns() // 1_000_000) < 60_000  # the clock it was made at (a minute's slack)
