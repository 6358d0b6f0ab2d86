"""The per-file work budget: no input can make the analysis run unbounded."""
from __future__ import annotations

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
    # Read only the statements that build, train or score a model, and what they need
    # (interpreter/slicing.py); off, every statement of the checked file is read.
    slicing: bool = True


_BYTES_PER_STEP = {"import_bytes": 5, "index_bytes": 20}


class Budget:
    def __init__(self, limits: Limits):
        self.limits = limits
        self.steps = 0
        self.import_bytes = 0  # source bytes libcst parsed so far
        self.index_bytes = 0  # source bytes of sibling modules indexed so far
        self.ceiling = limits.steps  # lowered while discovering models nobody asked for

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
        if self.steps + steps > self.ceiling:
            return f"reading it would take more than the {self.ceiling:,} analysis steps"
        setattr(self, kind, used + size)
        self.steps += steps
        return None

    def step(self) -> None:
        self.steps += 1
        if self.steps > self.ceiling:
            raise BudgetExhausted(f"more than {self.ceiling} analysis steps")
