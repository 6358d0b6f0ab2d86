"""Everything shapelint says about a corpus sample, as JSON, for comparing two revisions.

    PYTHONPATH=REV/src python bench/findings_dump.py OUT.json [timm|transformers|fixtures ...]
        [--sample N]

One process checks the files one after the other (as `shapelint check DIR` does, so caches
kept across files are exercised), then reads each with whole_file as `summary` does. Per file:
check's diagnostics with their messages and data, every model's rows (names, types, lines,
columns, shapes, counts), totals, reasons and shapes per line, and the analysis steps the
check took. Compare two dumps with `cmp` (issue 17: the speed-ups change no output).
"""
from __future__ import annotations

import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from corpora import corpus_files  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parent.parent


def files_of(name: str, sample: int) -> list[pathlib.Path]:
    if name == "fixtures":
        return sorted((ROOT / "fixtures").rglob("*.py")) + sorted((ROOT / "examples").glob("*.py"))
    return corpus_files(name, sample)


def checked(path: pathlib.Path) -> dict:
    from shapelint.pipeline.analysis import analyse
    text = path.read_text(encoding="utf-8")
    result = analyse(text, str(path))
    found = [(d.code.code, d.line, d.column, d.message, repr(sorted(d.data.items())))
             for d in result.diagnostics()]
    steps = result.interp.budget.steps if result.interp is not None else None
    return {"diagnostics": found, "steps": steps}


def summarised(path: pathlib.Path) -> list:
    from shapelint.pipeline.analysis import analyse
    models = []
    for graph in analyse(path.read_text(encoding="utf-8"), str(path), whole_file=True).graphs():
        rows = [(n.name, n.type_name, n.path, n.line, n.col, str(n.output_shape), str(n.params))
                for n in graph.nodes + graph.applications]
        models.append((graph.entry, graph.line, graph.col, str(graph.total), graph.reasons(),
                       rows, sorted((k, str(v)) for k, v in graph.line_shapes.items())))
    return models


def main(argv: list[str]) -> None:
    out, rest = argv[0], argv[1:]
    sample = 0
    if "--sample" in rest:
        at = rest.index("--sample")
        sample = int(rest[at + 1])
        rest = rest[:at] + rest[at + 2:]
    files = [p for name in rest or ["fixtures"] for p in files_of(name, sample)]
    dump = {str(p): checked(p) for p in files}
    for p in files:
        dump[str(p)]["models"] = summarised(p)
    pathlib.Path(out).write_text(json.dumps(dump, indent=0, default=str), encoding="utf-8")
    print(f"{len(files)} files written to {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
