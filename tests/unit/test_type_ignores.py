"""Every `type: ignore` in the code mypy checks names its error code and says why on the same line (issue 18:
no `type: ignore` without a reason), so a reader knows what the checker was told to look past."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IGNORE = re.compile(r"#\s*type:\s*ignore(?P<rest>.*)$")
WITH_REASON = re.compile(r"^\[[a-z0-9-]+(,\s*[a-z0-9-]+)*\]\s+#\s*\S")


def checked_files() -> list[Path]:
    """The Python files under mypy's `files` in pyproject.toml."""
    roots = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]["files"]
    return sorted(p for root in roots for p in (ROOT / root).rglob("*.py"))


def unexplained(path: Path, root: Path = ROOT) -> list[str]:
    """`file:line: text` of each `type: ignore` in `path` with no error code, or no reason after it."""
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        found = IGNORE.search(line)
        if found and not WITH_REASON.match(found.group("rest").strip()):
            out.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return out


def test_every_type_ignore_in_the_checked_code_names_its_code_and_a_reason() -> None:
    files = checked_files()
    assert len(files) > 300  # the servers, the shared kernel, the migrations and the benches
    bad = [hit for path in files for hit in unexplained(path)]
    assert not bad, "a type: ignore with no error code or no reason after it:\n" + "\n".join(bad)


def test_the_rule_sees_a_bare_ignore_and_one_with_no_reason(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "a = f()  # type: ignore\n"
        "b = g()  # type: ignore[attr-defined]\n"
        "c = h()  # type: ignore[misc]  # fields known at run time\n",
        encoding="utf-8",
    )
    found = [hit.split(": ", 1)[1] for hit in unexplained(sample, tmp_path)]
    assert found == ["a = f()  # type: ignore", "b = g()  # type: ignore[attr-defined]"]
