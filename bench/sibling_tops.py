"""What reusing sibling modules' top levels across the files of a run could save (issue 17).

    SHAPELINT_TIMM=DIR python bench/sibling_tops.py [timm|transformers] [--sample N]

Checks the files one after the other in one process, as `shapelint check DIR` does, and times
every top-level statement of a sibling module (a module read for the names a file asks of it,
not the file checked) that runs, exclusively: the statements of other modules it reads on the
way and libcst's parse of them are counted apart, so the sum is the interpretation a reuse of
their results across files would save at most, before what the reuse itself costs. Prints that
sum next to the CPU of the whole run (the first file left out: it warms the caches), by kind of
statement, and by what ran when the statement was read: nothing (clean), a call of the file's
code (a module read on first use inside a function), or code under a condition the analysis
could not decide (its mutations are then tainted, interp.uncertain > 0), the context a reused
result would have to match. The timing wraps Interpreter.exec, so the run's own CPU is a little
inflated; the figures are CPU seconds of this process (time.process_time).
"""
from __future__ import annotations

import collections
import pathlib
import sys
import time

import libcst as cst

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from corpora import corpus_files  # noqa: E402


def kind(statement) -> str:
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        name = "def" if isinstance(statement, cst.FunctionDef) else "class"
        return name + (" (decorated)" if statement.decorators else "")
    if isinstance(statement, cst.SimpleStatementLine) and statement.body:
        return type(statement.body[0]).__name__
    return type(statement).__name__


def main(argv: list[str]) -> None:
    from shapelint.interpreter import parsing
    from shapelint.interpreter.core import Interpreter
    from shapelint.pipeline.analysis import analyse
    sample = 0
    if "--sample" in argv:
        at = argv.index("--sample")
        sample = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2:]
    name = argv[0] if argv else "timm"
    spent, count, steps = collections.Counter(), collections.Counter(), collections.Counter()
    stack = []  # [start, CPU of what ran inside and is counted apart]

    def leave() -> float:
        start, inside = stack.pop()
        total = time.process_time() - start
        if stack:
            stack[-1][1] += total
        return total - inside

    parse = parsing.parse

    def timed_parse(*args, **kwargs):
        stack.append([time.process_time(), 0.0])
        try:
            return parse(*args, **kwargs)
        finally:
            spent["(libcst parse, any module)"] += leave()
    parsing.parse = timed_parse
    run = Interpreter.exec

    def timed_exec(self, statement, scope):
        top = self._top
        if top is None or top[1] is not statement or scope is not top[0].scope or \
                top[0].scope.vars.get("__name__") == "__main__":
            return run(self, statement, scope)
        context = "undecided" if self.uncertain else "in a call" if self.frames else "clean"
        before = self.budget.steps
        stack.append([time.process_time(), 0.0])
        try:
            return run(self, statement, scope)
        finally:
            own = leave()
            for key in (kind(statement), "context: " + context):
                spent[key] += own
                count[key] += 1
                steps[key] += self.budget.steps - before
    Interpreter.exec = timed_exec
    files = corpus_files(name, sample)
    start = None
    for i, path in enumerate(files):
        if i == 1:
            start = time.process_time()
            spent.clear(), count.clear(), steps.clear()
        analyse(path.read_text(encoding="utf-8"), str(path))
    total = time.process_time() - start if start is not None else 0.0
    tops = sum(v for k, v in spent.items() if k.startswith("context: "))
    print(f"{name}: {len(files)} files; CPU after the first {total:.2f} s; sibling modules' "
          f"top-level statements (exclusive) {tops:.3f} s ({tops / (total or 1):.1%})")

    def order(item):
        key, value = item
        return key.startswith("("), key.startswith("context"), -value
    for key, value in sorted(spent.items(), key=order):
        print(f"    {key:28s} {value:7.3f} s  {count[key]:6d} runs  {steps[key]:9,d} steps")


if __name__ == "__main__":
    main(sys.argv[1:])
