"""Human units for costs: 9.56 GFLOPs, 98.1 MB (decimal prefixes, three significant digits)."""
from __future__ import annotations

_PREFIXES = ((10 ** 15, "P"), (10 ** 12, "T"), (10 ** 9, "G"), (10 ** 6, "M"), (10 ** 3, "k"))


def short(value: int) -> str:
    """211M, 5.67G, 940: three significant digits and a decimal prefix."""
    for scale, prefix in _PREFIXES:
        # 999,999 rounds to 1.00M, not 1000k
        if value >= scale or (scale > 1000 and float(_three(value / (scale // 1000))) >= 1000):
            return f"{_three(value / scale)}{prefix}"
    return str(value)


def flops(value: int) -> str:
    text = short(value)
    return f"{text[:-1]} {text[-1]}FLOPs" if text[-1:].isalpha() else f"{text} FLOPs"


def size(value: int) -> str:
    """Bytes: 98.1 MB, 512 B."""
    text = short(value)
    return f"{text[:-1]} {text[-1]}B" if text[-1:].isalpha() else f"{text} B"


def _three(x: float) -> str:
    if round(x, 2) < 10:
        return f"{x:.2f}"
    if round(x, 1) < 100:
        return f"{x:.1f}"
    return f"{x:.0f}"
