"""PyTorch objects as the interpreter sees them (nn.Module subclasses, containers, tensors)."""
from __future__ import annotations

from ..dims import Unknown

ROOT = "torch."


def knows(name: str) -> bool:
    return False


def call(interp, name: str, args, kwargs, node):
    return Unknown(f"{name}() is outside the analysis")
