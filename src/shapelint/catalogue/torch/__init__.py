"""torch.nn modules: constructor signatures, shape rules and parameter formulas, one module per
family (linear, conv, pool, norm, recurrent, attention, shape, dropout, activation; shared
helpers in _common.py).

Shapes include the batch dim; most modules also take an unbatched input (one rank less), as
torch does. Params are `sum(p.numel() for p in module.parameters())`: buffers such as
BatchNorm's running statistics are not parameters. Formulas follow each module's __init__ and
the "Shape" sections of the torch.nn docs (torch 2.13); faults are the ones torch raises when
the module is built or called. Multi-input modules (Bilinear, MultiheadAttention, the
transformer layers, EmbeddingBag) take the list of their tensor arguments' shapes, in order.
"""
from __future__ import annotations


def load() -> None:
    """Registers every entry (catalogue._load: a listing of them all; a lookup imports only
    the module registering its name, catalogue/index.py). Importing one module alone, as
    torch_functional.py imports pool.py, registers only its entries."""
    from . import linear, conv, pool, norm, recurrent, attention, shape  # noqa: F401
    from . import dropout, activation  # noqa: F401
