"""FLOPs and MACs claims in prose: "4.1 GFLOPs", "600M MACs", "1.8 GMACs", "FLOPs: 4.1G",
and the input resolution a text states ("224x224", "at 224 px"). Facts only (which figure a
text claims, how precisely, for which resolution); claims are judged in flops_claims.py.

A claim is dropped when its sentence compares or bounds ("than", "under", "up to"), speaks of
speed rather than work ("per second", "/s", "throughput", "GPU"), when its clause names a part
of the model ("layer", "block", "head"), and when the text gives different figures of one kind
(a table of variants)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .claim_text import (_CLAUSE_END, _NUMBER, _OTHER_COUNT, _PART, _SENTENCE_END, _span,
                         matched_claims, one_figure_each)

_SCALE = {"k": 10**3, "thousand": 10**3, "m": 10**6, "million": 10**6, "g": 10**9, "b": 10**9,
          "billion": 10**9, "t": 10**12, "trillion": 10**12}
_MAG = r"(?:\s?(?P<mag>thousand|million|billion|trillion|[kKmMgGbBtT])(?![A-Za-z0-9]))"
_UNIT = (r"(?P<unit>(?P<pre>[kKMGT])?(?:FLOPs|FLOPS|Flops|flops|MACs|MACS|Macs|macs|MAdds|"
         r"Mult-Adds|mult-adds|multiply-adds|multiply-accumulates)|FLOP|MAC)(?![A-Za-z])")
_NUMBER_FIRST = re.compile(rf"(?<![\w.,]){_NUMBER}{_MAG}?[ \t]*-?{_UNIT}")
_WORD_FIRST = re.compile(rf"{_UNIT}[ \t]*(?::|=|≈|~|\bis\b|\bare\b|\bof\b)?[ \t]*"
                         rf"(?:~|≈|about\s|around\s|approx\.?\s?)?[ \t]*{_NUMBER}{_MAG}?"
                         r"(?![\w.]|\s?%)")
# Speed, not work: "312 TFLOPS per second", "GFLOPS/s", a GPU's throughput.
_SPEED = re.compile(r"(?i)per\s+second|/\s?s\b|\bthroughput\b|\b[gt]pus?\b|\bpeak\b|\bhardware\b"
                    r"|\blatency\b|\bTFLOPS\b")
# "per image" and the like say what the figure is for; they name no part of the model.
_PER_INPUT = re.compile(r"(?i)\bper\s+(?:image|sample|input|example|frame|forward(?:\s+pass)?|"
                        r"inference|call|pass)\b")
_RESOLUTION = re.compile(r"(?<![\w.])(?P<h>\d{2,4})\s?[x×X]\s?(?P<w>\d{2,4})(?!\d|\.\d)"
                         r"|(?<![\w.])(?P<s>\d{2,4})\s?(?:px|pixels)\b"
                         r"|\bresolution\s+(?:of\s+)?(?P<r>\d{2,4})\b", re.IGNORECASE)
SMALLEST = 1000  # "2 FLOPs per multiply-accumulate" is a convention, not a model's cost


@dataclass(frozen=True)
class CostClaim:
    value: int  # the number claimed, in FLOPs or MACs
    unit: int  # the place value of its last written digit
    text: str  # as written, e.g. "4.1 GFLOPs"
    start: int  # offset of the claim in the text given to find_cost_claims
    macs: bool  # a count of multiply-accumulates (MACs, MAdds, Mult-Adds)


def find_cost_claims(text: str) -> list[CostClaim]:
    """The FLOPs / MACs claims of a comment or docstring; none of a kind the text gives
    several different figures of."""
    return one_figure_each(matched_claims(text, (_NUMBER_FIRST, _WORD_FIRST), _claim), "macs")


def resolutions(text: str) -> set[tuple[int, int]]:
    """Every input resolution (height, width) the text states."""
    out = set()
    for match in _RESOLUTION.finditer(text):
        if match.group("h"):
            out.add((int(match.group("h")), int(match.group("w"))))
        else:
            side = int(match.group("s") or match.group("r"))
            out.add((side, side))
    return out


def _claim(text: str, match: re.Match) -> CostClaim | None:
    mag, pre = match.group("mag"), match.group("pre")
    if mag and pre:
        return None  # "4.1 G GFLOPs": not a figure we can read
    digits = match.group("num").replace(",", "").replace("_", "")
    scale = _SCALE[(mag or pre or "").lower()] if (mag or pre) else 1
    whole, _, decimals = digits.partition(".")
    value, unit = round(float(digits) * scale), max(scale // 10 ** len(decimals), 1)
    if value < SMALLEST:
        return None
    sentence = _span(text, match, _SENTENCE_END)
    clause = _span(text, match, _CLAUSE_END, within=sentence)
    said = text[sentence[0]:sentence[1]]
    if _OTHER_COUNT.search(said) or _SPEED.search(said) or \
            _PART.search(_PER_INPUT.sub(" ", text[clause[0]:clause[1]])):
        return None
    name = match.group("unit").lower()
    macs = "mac" in name or "add" in name or "accumulate" in name
    written = " ".join(text[match.start():match.end()].split())
    return CostClaim(value, unit, written, match.start(), macs)
