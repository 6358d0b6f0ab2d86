"""The public cases' figures by set: the table fixtures/cases/README.md holds between its
`case-sets` comments, made from bench/case_recall.measure() so no figure there is kept by hand.

A set is a README section `### Held out (<name>)`: the cases its table lists. Cases in no such
section are the development cases (written while the checks were). The column "on the line when
measured blind" is a record, not a measure: each held-out set was measured once, before any
rule was written from it (the figure its section states); the other columns are today's.

    PYTHONPATH=src:tests python bench/case_sets.py           # print the table
    PYTHONPATH=src:tests python bench/case_sets.py --write   # put it in the README
"""
from __future__ import annotations

import re
import sys

from case_recall import CASES, CaseResult, measure

README = CASES / "README.md"
START, END = "<!-- case-sets: made by bench/case_sets.py -->", "<!-- case-sets: end -->"
DEVELOPMENT = "development cases"

# On the line to change when measured blind, as each section's measure states it.
MEASURED_BLIND = {
    "issue 16 blind set": 4, "second blind set": 7, "third blind set": 4,
    "fourth blind set": 5, "fifth blind set": 10, "sixth blind set": 7,
    "seventh blind set": 8, "eighth blind set": 3, "ninth blind set": 7,
    "tenth blind set": 8, "eleventh blind set": 7, "twelfth blind set": 7,
    "thirteenth blind set": 5, "fourteenth blind set": 5,
    "fifteenth blind set": 4, "sixteenth blind set": 5, "seventeenth blind set": 4,
}

_SECTION = re.compile(r"^### Held out \((?P<name>[^)]*)\)$", re.M)
_ROW = re.compile(r"^\| ((?:keras|torch)/\w+) \|", re.M)


def sets(readme: str) -> dict[str, set[str]]:
    """Each held-out set's cases, in the README's order."""
    heads = list(_SECTION.finditer(readme))
    found = {}
    for head, after in zip(heads, heads[1:] + [None]):
        section = readme[head.end(): after.start() if after else len(readme)]
        found[head.group("name")] = set(_ROW.findall(section))
    return found


def table(results: list[CaseResult], readme: str) -> str:
    held = sets(readme)
    names = {r.name for r in results}
    groups = {DEVELOPMENT: names - set().union(*held.values()), **held}
    rows = ["| cases | n | on the line when measured blind | on its marked line "
            "| on the line to change | on it or naming it | twin alarms |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name, members in [*groups.items(), ("all", names)]:
        rs = [r for r in results if r.name in members]
        blind = MEASURED_BLIND.get(name)
        rows.append(f"| {name} | {len(rs)} | {'-' if blind is None else blind} "
                    f"| {sum(r.found for r in rs)} | {sum(r.on_fix_line for r in rs)} "
                    f"| {sum(r.on_or_pointing_at_fix_line for r in rs)} "
                    f"| {sum(bool(r.on_twin) for r in rs)} |")
    return "\n".join(rows)


def held_table(readme: str) -> str:
    """The table as the README holds it now."""
    start, end = readme.index(START) + len(START), readme.index(END)
    return readme[start:end].strip()


def main(argv: list[str]) -> int:
    readme = README.read_text(encoding="utf-8")
    made = table(measure(), readme)
    if "--write" not in argv:
        print(made)
        return 0
    start, end = readme.index(START) + len(START), readme.index(END)
    README.write_text(readme[:start] + "\n" + made + "\n" + readme[end:], encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
