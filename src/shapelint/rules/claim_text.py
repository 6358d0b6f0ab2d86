"""Parameter-count claims in prose: "60 million parameters", "~60M params", "Total params:
1,234", "# 1.2B". Facts only (what number a text claims, and how precisely); whether a claim
is about a model, and whether the model keeps it, is decided in claims.py.

What counts as a claim, precisely:
- a number, then at most one qualifier word, then a parameter word: "60M params", "25.6 M
  trainable parameters", "62.3M-parameter model", "25,678,184 weights";
- a parameter word, then a number: "params: 60M", "Total params: 1,234" (a pasted summary),
  "number of parameters = 60 million", "#params ~1.2B";
- bare, only where the caller allows it (a comment on the model's own line or just above it):
  the whole comment is one number with a magnitude, "# 1.2B", "# ~60M".
A claim is dropped when its sentence compares or bounds ("than", "original", "under", "up
to"), when its clause names a part of the model ("layer", "block", "head", "each", "per"),
when its clause holds a second count (which is the model's?), for qualifiers we cannot check
("non-trainable"), and below 100 (function arguments, not models)."""
from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+(?![\d.])|\d{1,3}(?:_\d{3})+|\d+(?:\.\d+)?)"
# A magnitude letter must end the word: "60M" and "25.6 M", never "237.95 MB" or "1k-th".
_MAGNITUDE = (r"(?:\s?(?P<mag>thousand|million|billion|mln|bn|[kKmMbB])(?![A-Za-z0-9]))")
_PARAM_WORD = r"(?<![A-Za-z])(?:param(?:eter)?s?|weights)\b"  # not "hyperparams"
_QUALIFIER = r"(?:(?P<qual>non-?\s?trainable|trainable|learnable|total|model)\s+)"
_APPROX = r"(?:~|≈|about\s|approx\.?\s?|approximately\s|around\s|roughly\s|nearly\s|almost\s)"

# NUMBER [MAGNITUDE] [qualifier] PARAMWORD ("-parameter model" included).
_NUMBER_FIRST = re.compile(
    rf"(?<![\w.,]){_NUMBER}{_MAGNITUDE}?(?!\s?%)[ \t]*\n?[ \t]*-?{_QUALIFIER}?{_PARAM_WORD}",
    re.IGNORECASE)
# [qualifier] PARAMWORD [count] [:|=|is|of|~] NUMBER [MAGNITUDE], not followed by another
# unit ("params: 60M images" is not a count of params). Only "param"/"parameter" lead: a
# "weights:" label names files or initialisations far more often than counts.
_WORD_FIRST = re.compile(
    r"(?P<lead>(?:non-?\s?trainable\s+|trainable\s+|total\s+)?(?:number\s+of\s+|#\s*|num\s*)?"
    r"(?<![A-Za-z])param(?:eter)?s?\b(?:\s+count)?)"
    r"[ \t]*(?::|=|≈|~|\bis\b|\bare\b|\bof\b|\btotal\b)?[ \t]*"
    rf"{_APPROX}?[ \t]*{_NUMBER}{_MAGNITUDE}?(?![\w.]|\s?%|[ \t]+(?!param|total|in\b|trainable)"
    r"[A-Za-z])", re.IGNORECASE)
_BARE = re.compile(rf"^\s*{_APPROX}?\s*{_NUMBER}{_MAGNITUDE}\s*$")

_SCALE = {"k": 10**3, "thousand": 10**3, "m": 10**6, "million": 10**6, "mln": 10**6,
          "b": 10**9, "bn": 10**9, "billion": 10**9}
# Words that make a sentence about some other count than this model's (a comparison, a bound,
# a hypothetical).
_OTHER_COUNT = re.compile(
    r"\b(?:than|original|originally|unlike|compared?|comparison|versus|vs|instead|reduc\w*|"
    r"fewer|smaller|larger|bigger|saves?|saving|pruned?|distill\w*|would|could|if|under|below|"
    r"over|above|up\s+to|at\s+(?:most|least)|within|budget|limit|max(?:imum)?|min(?:imum)?)\b"
    r"|[<>≤≥]\s*~?\s*\d", re.IGNORECASE)
# Words naming a part of the model: the count is the part's, not the model's.
_PART = re.compile(
    r"\b(?:each|per|every|layers?|blocks?|heads?|encoders?|decoders?|backbones?|embeddings?|"
    r"stems?|branch(?:es)?|classifiers?|stages?|cells?|submodules?|kernels?|filters?|bias(?:es)?|"
    r"dense|linear|conv(?:[123]d)?|fc\d*|lstm|gru|rnn|attention|base|frozen|alone|of\s+which|"
    r"of\s+them)\b",
    re.IGNORECASE)
_COUNT = re.compile(rf"(?<![\w.,]){_NUMBER}{_MAGNITUDE}|\d{{1,3}}(?:,\d{{3}})+", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<!approx)(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)(?<!\bca)[.!?;](?=\s|$)"
                           r"|\n\s*\n|\n\s*[-*•]")
_CLAUSE_END = re.compile(r"(?<!\d),|,(?!\d{3})|\s[-–—]\s")
_APPROX_BEFORE = re.compile(rf"{_APPROX}\s*$", re.IGNORECASE)
# "50-60M params", "between 1 and 2 million": a range is no one count.
_RANGE = re.compile(r"\d\s*[kKmMbB]?\s*(?:-|–|to|and)\s*[~≈]?$")
SMALLEST = 100  # "takes 2 params" is about a function; no model claim is this small


@dataclass(frozen=True)
class Claim:
    value: int  # the number claimed
    unit: int  # the place value of its last written digit (1 for "1,234", 10**5 for "1.2M")
    text: str  # as written, e.g. "60 million parameters"
    start: int  # offset of the claim in the text given to find_claims
    trainable: bool = False  # "trainable parameters": compare with the trainable count


def find_claims(text: str, bare: bool = False) -> list[Claim]:
    """The parameter-count claims a comment or docstring makes; bare allows "# 1.2B". A text
    giving different totals (a table of variants, summaries for two datasets) claims none."""
    found = matched_claims(text, (_NUMBER_FIRST, _WORD_FIRST), _claim)
    if bare and not found:
        match = _BARE.match(text)
        if match:
            value, unit = _value(match)
            if value >= SMALLEST and not text.lstrip().startswith(("-", "+")):
                found[match.start("num")] = Claim(value, unit, text.strip(), match.start("num"))
    return one_figure_each(found, "trainable")


def matched_claims(text: str, patterns, claim) -> dict:
    """{offset of the number: claim} over every match of the patterns that `claim(text,
    match)` takes; where two patterns read the same number, the first one's claim."""
    found = {}
    for pattern in patterns:
        for match in pattern.finditer(text):
            made = claim(text, match)
            if made is not None:
                found.setdefault(match.start("num"), made)
    return found


def one_figure_each(found: dict, kind: str) -> list:
    """The claims in text order, less those of a kind (the boolean field `kind`: trainable
    or not, MACs or FLOPs) the text gives different figures of: a table of variants claims
    none of them."""
    claims = [found[k] for k in sorted(found)]
    for value in (False, True):
        if len({c.value for c in claims if getattr(c, kind) is value}) > 1:
            claims = [c for c in claims if getattr(c, kind) is not value]
    return claims


def stated_counts(text: str) -> list[Claim]:
    """Every count a text writes with a magnitude or thousands separators ("25,678,184",
    "25.7M"), parameter word or not: a text that also states the count the model builds
    knows the two differ ("The paper says 60 million; this model builds 25,678,184")."""
    out = []
    for match in _COUNT.finditer(text):
        if match.group("num") is None:  # the thousands-separated alternative
            value = int(match.group(0).replace(",", ""))
            out.append(Claim(value, 1, match.group(0), match.start()))
        else:
            value, unit = _value(match)
            out.append(Claim(value, unit, match.group(0), match.start()))
    return [c for c in out if c.value >= SMALLEST]  # not "0.00 B" of a pasted summary


def holds(claim: Claim, built: int, tolerance: float = 0.05) -> bool:
    """Within 5% of the claim, or within the precision the author wrote ("1.2B" is anything
    that rounds to 1.2B)."""
    return abs(built - claim.value) <= max(tolerance * claim.value, claim.unit / 2)


def difference(claimed: int, built: int, claim: str = "the claim") -> str:
    """How far the built figure is from the claimed one, in words for a message."""
    if built < claimed:
        return f"{round(100 * (claimed - built) / claimed)}% fewer"
    if built >= 2 * claimed:
        return f"{built / claimed:.1f} times {claim}"
    return f"{round(100 * (built - claimed) / claimed)}% more"


def _claim(text: str, match: re.Match) -> Claim | None:
    value, unit = _value(match)
    if value < SMALLEST or _is_year(match) or _RANGE.search(text, 0, match.start("num")):
        return None
    qualifier = (match.groupdict().get("qual") or match.groupdict().get("lead") or "").lower()
    if "non" in qualifier or re.search(r"non-?\s?trainable|frozen", match.group(0), re.I):
        return None
    sentence = _span(text, match, _SENTENCE_END)
    clause = _span(text, match, _CLAUSE_END, within=sentence)
    if _OTHER_COUNT.search(text[sentence[0]:sentence[1]]) or \
            _PART.search(text[clause[0]:clause[1]]):
        return None
    if sum(1 for _ in _COUNT.finditer(text[clause[0]:clause[1]])) > 1:
        return None
    trainable = "trainable" in qualifier or "learnable" in qualifier
    start = match.start()
    approx = _APPROX_BEFORE.search(text, 0, start)  # "~60M params" keeps its "~"
    start = approx.start() if approx else start
    written = " ".join(text[start:match.end()].split()).lstrip(":= ")
    return Claim(value, unit, written, start, trainable)


def _value(match: re.Match) -> tuple[int, int]:
    digits = match.group("num").replace(",", "").replace("_", "")
    magnitude = match.group("mag")
    scale = _SCALE[magnitude.lower()] if magnitude else 1
    whole, _, decimals = digits.partition(".")
    unit = max(scale // 10 ** len(decimals), 1)
    return round(float(digits) * scale), unit


def _is_year(match: re.Match) -> bool:
    digits = match.group("num")
    return not match.group("mag") and digits.isdigit() and len(digits) == 4 and \
        1950 <= int(digits) <= 2100


def _span(text: str, match: re.Match, boundary: re.Pattern,
          within: tuple[int, int] | None = None) -> tuple[int, int]:
    """The stretch of text around a match up to the nearest boundaries; without `within`, also
    up to the nearest hard line break (a wrapped sentence goes on across a soft one)."""
    low, high = within or _lines_around(text, match.start(), match.end())
    start, end = match.start(), match.end()
    left = max((b.end() for b in boundary.finditer(text, low, start)), default=low)
    right = next((b.start() for b in boundary.finditer(text, end, high)), high)
    return left, right


def _lines_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The lines holding text[start:end], widened over soft line breaks."""
    lines, offsets, at = text.split("\n"), [], 0
    for line in lines:
        offsets.append(at)
        at += len(line) + 1
    first = text.count("\n", 0, start)
    last = text.count("\n", 0, end)
    while first > 0 and _soft(lines[first - 1], lines[first]):
        first -= 1
    while last + 1 < len(lines) and _soft(lines[last], lines[last + 1]):
        last += 1
    return offsets[first], offsets[last] + len(lines[last])


def _soft(before: str, after: str) -> bool:
    """A wrapped line: the earlier one does not end a sentence and the later one goes on in
    lower case or with a number ("AlexNet has about" / "60 million parameters")."""
    before, after = before.strip().lstrip("#").strip(), after.strip().lstrip("#").strip()
    return bool(before) and before[-1] not in ".!?;:" and bool(after) and \
        (after[0].islower() or after[0].isdigit() or after[0] in "~≈")
