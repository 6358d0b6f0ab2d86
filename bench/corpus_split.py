"""Where a model library's check time goes, per file: the module's own run, discovery (running
the functions and classes nobody calls, pipeline/analysis._discover), and the diagnostics (each
model's forward() and the checks). For choosing what to make faster (issue 17).

    SHAPELINT_TIMM=DIR python bench/corpus_split.py [timm|transformers] [--sample N] [--top N]

CPU seconds of this process (time.process_time); the corpora are found as bench/corpora.py
finds them.
"""
from __future__ import annotations

import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from corpora import corpus_files  # noqa: E402


def split(files) -> tuple[list, dict]:
    from shapelint.pipeline import analysis
    from shapelint.pipeline.gate import mentions_framework
    spent = {"discover": 0.0}
    original = analysis._discover

    def timed(*args):
        start = time.process_time()
        try:
            return original(*args)
        finally:
            spent["discover"] += time.process_time() - start
    analysis._discover = timed
    rows, totals = [], {"run": 0.0, "discover": 0.0, "diagnostics": 0.0}
    try:
        for path in files:
            text = path.read_text(encoding="utf-8")
            if not mentions_framework(text):
                continue
            spent["discover"] = 0.0
            start = time.process_time()
            result = analysis.analyse(text, str(path))
            middle = time.process_time()
            result.diagnostics()
            end = time.process_time()
            run = middle - start - spent["discover"]
            rows.append((end - start, path.name, run, spent["discover"], end - middle,
                         len(result.models)))
            for key, value in zip(totals, (run, spent["discover"], end - middle)):
                totals[key] += value
    finally:
        analysis._discover = original
    return sorted(rows, reverse=True), totals


def main(argv) -> None:
    sample = int(argv[argv.index("--sample") + 1]) if "--sample" in argv else 0
    top = int(argv[argv.index("--top") + 1]) if "--top" in argv else 15
    names = [a for a in argv if a in ("timm", "transformers")] or ["timm"]
    for name in names:
        rows, totals = split(corpus_files(name, sample))
        whole = sum(totals.values()) or 1.0
        print(f"{name}: {len(rows)} files; " + "; ".join(
            f"{k} {v:.1f} s ({v / whole:.0%})" for k, v in totals.items()))
        for total, file, run, discover, diagnostics, models in rows[:top]:
            print(f"    {total:6.3f} s  {file:32s} run {run:.3f}  discovery {discover:.3f}  "
                  f"diagnostics {diagnostics:.3f}  models {models}")


if __name__ == "__main__":
    main(sys.argv[1:])
