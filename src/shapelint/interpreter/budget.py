"""The per-file work budget: no input can make the analysis run unbounded."""
from __future__ import annotations

import gc
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass


class BudgetExhausted(Exception):
    pass


@dataclass(frozen=True)
class Limits:
    # expressions and statements evaluated, per file (about 0.5 s here; the largest torchvision
    # model, quantized mobilenet_v3, takes 85k with its reading, faster_rcnn 82k)
    steps: int = 200_000
    loop_iterations: int = 20_000  # per loop
    call_depth: int = 40
    # Calls of one function under way at once. A recursion whose base case the analysis cannot
    # decide (transformers' _format_type_annotation_recursive, run by its @auto_docstring)
    # would otherwise recurse until Python's own stack ends and the file is lost (SHP901);
    # model code that recurses (a U-Net built level by level) does so a few levels deep.
    recursion: int = 12
    modules: int = 128  # sibling modules read per file
    # Source bytes libcst parses per file: the statements read of the file and of its sibling
    # modules (about 0.4 s here; a torchvision classifier reads 40-90 KB, faster_rcnn 250 KB).
    # Past it, what a module defines is unknown, never a hang.
    import_bytes: int = 250_000
    # Source bytes of sibling modules indexed per file with CPython's parser (about 0.3 s here;
    # torchvision models index 300-680 KB), to find the statements a name needs.
    index_bytes: int = 750_000
    collection_size: int = 100_000  # longest list/str the analysis will build
    discovery_steps: int = 60_000  # for running, unasked, the functions that may build models
    # Steps one decorator may take on what it decorates. A decorator that costs more (the
    # docstring machinery transformers applies to every model class and forward) is taken to
    # return what it decorates, as an external decorator is (calls.decorate).
    decorator_steps: int = 2_000
    # An ENTRY named on the command line (`summary`, `confirm`, never the lint path) may read
    # this many times the source bytes above, and take as many times the steps (reading costs
    # steps): a model asked for by name is worth a few seconds (a transformers model reads
    # its configuration and PreTrainedModel, 220 KB alone; GPT-2 needs 1.5 MB in all).
    entry_reading: int = 6
    # Read only the statements that build, train or score a model, and what they need
    # (interpreter/slicing.py); off, every statement of the checked file is read.
    slicing: bool = True


_BYTES_PER_STEP = {"import_bytes": 5, "index_bytes": 20}


class Budget:
    def __init__(self, limits: Limits):
        self.limits = self.given = limits
        self.steps = 0
        self.import_bytes = 0  # source bytes libcst parsed so far
        self.index_bytes = 0  # source bytes of sibling modules indexed so far
        self.ceiling = limits.steps  # lowered while discovering models nobody asked for
        # the ceiling a decorator's share lowered (calls._run_decorator): reading source is
        # charged to it, not to the decorator, whose share bounds what the decorator runs
        self.outer: int | None = None

    def read(self, kind: str, size: int) -> str | None:
        """Charge reading size bytes of source, kind "import_bytes" (parsed by libcst) or
        "index_bytes" (indexed); why not, when that would pass its limit or the steps left.
        Reading costs steps too, so that one budget bounds a file's time, discovery's share
        included: libcst parses about 5 bytes, CPython's parser and the index about 20, in the
        time of one analysis step."""
        limit, used = getattr(self.limits, kind), getattr(self, kind)
        if used + size > limit:
            return f"this file's imports exceed {limit:,} bytes of source (budget.{kind})"
        steps = size // _BYTES_PER_STEP[kind]
        if self.steps + steps > (self.ceiling if self.outer is None else self.outer):
            return f"reading it would take more than the {self.ceiling:,} analysis steps"
        setattr(self, kind, used + size)
        self.steps += steps
        if self.outer is not None:
            self.ceiling = min(self.outer, self.ceiling + steps)
        return None

    @contextmanager
    def unshared(self):
        """Work that is not the decorator's own while one runs (a module's statements read on
        first use): charged to the ceiling outside the decorator, not to its share."""
        if self.outer is None:
            yield
            return
        ceiling, outer, start = self.ceiling, self.outer, self.steps
        self.ceiling, self.outer = outer, None
        try:
            yield
        finally:
            self.outer = outer
            self.ceiling = min(outer, ceiling + (self.steps - start))

    def for_entry(self) -> None:
        """The budget of an ENTRY named on the command line: all the steps, more reading."""
        from dataclasses import replace
        limits = self.given
        self.limits = replace(limits, import_bytes=limits.import_bytes * limits.entry_reading,
                              index_bytes=limits.index_bytes * limits.entry_reading,
                              steps=limits.steps * limits.entry_reading)
        self.steps = 0
        self.ceiling = self.limits.steps

    def outruns(self, start: int, passes: int, total: int | None) -> bool:
        """Would the passes a loop of `total` items has left, at the steps each of the
        `passes` read since step `start` took, take more than half the steps this file has
        left? A loop of a script's epochs (`for epoch in range(300)` around the training)
        would spend the file's budget repeating one pass, and lose every finding with it
        (SHP902). False before the first pass, or when the total is not known."""
        if not passes or total is None:
            return False
        remaining = (self.ceiling if self.outer is None else self.outer) - self.steps
        return (total - passes) * (self.steps - start) > passes * remaining // 2

    def step(self) -> None:  # inlined in eval and exec (their hot path): keep them alike
        self.steps += 1
        if self.steps > self.ceiling:
            raise BudgetExhausted(f"more than {self.ceiling} analysis steps")


# Python frames kept free below a call the interpreter makes: what one function body can
# nest (statements in statements, expressions in expressions) before it calls again.
_STACK_RESERVE = 300
# Python's recursion limit while a file is analysed: call_depth calls at the 20-40 frames
# each the interpreter takes, with room to spare (Python's default, 1000, ends at some 30).
# These frames are Python's own, not C's (3.11 runs Python-to-Python calls in one C frame),
# so the thread's stack holds them: measured here, 60,000 did not exhaust an 8 MB stack.
DEEP_LIMIT = 4_000
_deep_lock = threading.Lock()
_deep_users = [0, 0, ()]  # analyses under way, the limit and the gc thresholds they found


# The cyclic garbage collector's thresholds while the interpreter runs. An analysis allocates
# millions of short-lived objects, and each full collection Python's defaults start also scans
# everything kept for the run (sibling modules' trees and indexes): a fifth of the CPU of
# checking timm. Young cycles are still collected every 100,000 allocations; the older
# generations are collected when the analysis ends, its garbage with them (gc.collect(1)).
ANALYSIS_GC = (100_000, 50, 1_000)


@contextmanager
def deep_stack():
    """While the interpreter runs: Python's recursion limit raised to DEEP_LIMIT, the garbage
    collector's thresholds to ANALYSIS_GC; both restored once no analysis in any thread still
    runs, and the analysis's garbage collected."""
    with _deep_lock:
        if _deep_users[0] == 0:
            _deep_users[1] = sys.getrecursionlimit()
            if _deep_users[1] < DEEP_LIMIT:
                sys.setrecursionlimit(DEEP_LIMIT)
            _deep_users[2] = gc.get_threshold()
            gc.set_threshold(*ANALYSIS_GC)
        _deep_users[0] += 1
    try:
        yield
    finally:
        with _deep_lock:
            _deep_users[0] -= 1
            if _deep_users[0] == 0:
                if sys.getrecursionlimit() == DEEP_LIMIT:
                    sys.setrecursionlimit(_deep_users[1])
                if gc.get_threshold() == ANALYSIS_GC:
                    gc.set_threshold(*_deep_users[2])
                    pass  # collected by the next young collection, once dropped


def stack_nearly_full() -> bool:
    """Is Python's stack so deep that another abstract call might exhaust it? Then the call
    is unknown, and the file is still analysed (a RecursionError would lose all of it).
    The interpreter uses some 20-40 Python frames per call it makes, so call_depth alone
    does not keep it within Python's recursion limit."""
    try:
        sys._getframe(max(sys.getrecursionlimit() - _STACK_RESERVE, 1))
    except ValueError:  # the stack is shallower than that
        return False
    return True
