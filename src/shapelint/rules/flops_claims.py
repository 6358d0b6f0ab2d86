"""SHP210: a docstring or comment on or next to a model states its FLOPs or MACs for an input
resolution ("4.1 GFLOPs at 224x224", "600M MACs (224 px)"), and the model as written, at that
very input, costs something else (beyond 5%, or beyond the precision written).

Claims are read where SHP209 reads parameter-count claims (claims.py: the model's statement,
its builder function, its own class, the module docstring of a one-model file). Judged only
when all of this is certain:
- the text states exactly one resolution, and it is the height and width of the input the
  model is analysed with (rank-4 images: (N, C, H, W) for torch, (N, H, W, C) for Keras);
- the FLOPs for that input are known exactly (cost/: never an unknown or symbolic figure) and
  are for one sample (the batch is symbolic, or 1);
- a "FLOPs" claim matches neither the FLOPs nor the MACs (many papers and tools write FLOPs
  for multiply-accumulates), a "MACs" claim does not match the MACs.
The figures follow torch's FlopCounterMode, which `shapelint confirm` runs to check them."""
from __future__ import annotations

import ast
import functools
import re

from ..domain.codes import SHP210, Diagnostic, RuleDoc

# The cheap gate: a number with a FLOPs / MACs word in a comment or a triple-quoted string.
_PROSE = re.compile(r"#[^\n]*|\"\"\"[\s\S]*?\"\"\"|'\'\'[\s\S]*?'\'\'")
_COST_SHAPED = re.compile(r"(?i)\d\s*[kmgbt]?\s*-?[kmgt]?(?:flops?|macs?|madds|mult-adds)\b"
                          r"|(?:flops|macs)\s*[:=~≈]?\s*\d")


@functools.lru_cache(maxsize=8)  # asked up to three times per file (analysis.py, the rule)
def might_claim_cost(source: str) -> bool:
    """Could a comment or docstring of the file hold a FLOPs / MACs claim?"""
    return bool(_COST_SHAPED.search("\n".join(_PROSE.findall(source))))


def cost_comment_lines(source: str) -> set[int] | None:
    """As claims.claim_comment_lines, for FLOPs / MACs claims."""
    lines = set()
    for match in _PROSE.finditer(source):
        if _COST_SHAPED.search(match.group()):
            if not match.group().startswith("#"):
                return None
            lines.add(source.count("\n", 0, match.start()) + 1)
    return lines


def check_cost_claims(source: str, path: str, built: list,
                      tree: ast.Module | None = None) -> list[Diagnostic]:
    """SHP210 findings; built holds (model, graph, the graph's diagnostics) per model."""
    built = [b for b in built if b[1].path == path]
    if not built or not might_claim_cost(source):
        return []
    try:
        return _check(source, path, built, tree or ast.parse(source))
    except Exception:  # noqa: BLE001 - a claim check never costs the file its other findings
        return []


def _check(source, path, built, tree) -> list[Diagnostic]:
    from .claims import SourceMap, _owner_of, _sites
    source_map = SourceMap(source, tree)
    owners = [_owner_of(source_map, model, graph) for model, graph, _ in built]
    out, seen = [], set()
    for here, (_, graph, _) in enumerate(built):
        figures = _figures(graph)
        if figures is None:
            continue
        for text in _sites(source_map, graph, owners[here], owners):
            diagnostic = _judge_text(text, graph, figures, path, seen)
            if diagnostic is not None:
                out.append(diagnostic)
    return out


def _figures(graph):
    """(FLOPs, MACs, (H, W)) of one sample at the model's input, or None unless all exact."""
    from ..cost import model_cost
    from ..domain.dims import is_known
    if graph.total is None or not graph.inputs:
        return None
    shape = graph.inputs[0].output_shape
    if not shape.known_rank or shape.rank != 4:
        return None
    size = (shape[2], shape[3]) if graph.framework == "torch" else (shape[1], shape[2])
    if not all(is_known(d) for d in size):
        return None
    cost = model_cost(graph)
    batch = shape[0]
    if not cost.flops.known or not (cost.per_sample or (is_known(batch) and batch == 1)):
        return None
    return cost.flops.value, cost.macs.value, size


def _judge_text(text, graph, figures, path, seen) -> Diagnostic | None:
    from .claim_text import difference, holds
    from .flops_claim_text import find_cost_claims, resolutions
    flops, macs, size = figures
    stated = resolutions(text.text)
    if len(stated) != 1 or next(iter(stated)) != tuple(size):
        return None  # a claim is about the input it names, and only that one
    for claim in find_cost_claims(text.text):
        key = (text.line, claim.start, text.kind)
        if key in seen:
            continue
        seen.add(key)
        kept = holds(claim, macs) if claim.macs else holds(claim, flops) or holds(claim, macs)
        if kept:
            continue
        breaks = text.text.count("\n", 0, claim.start)
        col = text.col if text.kind == "comment" else \
            claim.start - (text.text.rfind("\n", 0, claim.start) + 1) + \
            (text.col if not breaks else 0)
        built = macs if claim.macs else flops
        what = "MACs" if claim.macs else "FLOPs"
        far = difference(claim.value, built, "the claimed")
        message = (f"{text.kind} claims {claim.text} at {size[0]}x{size[1]}; the model as "
                   f"written costs {flops:,} FLOPs ({macs:,} MACs) per sample at that input, "
                   f"as torch's FlopCounterMode counts them ({far} {what})")
        data = {"claim": claim.text, "claimed": claim.value, "flops_built": flops,
                "macs_built": macs, "resolution": list(size), "model": graph.entry or graph.name}
        return Diagnostic(SHP210, text.line + breaks, col, message + ".", data, path)
    return None


# The pages of the codes raised here (docs/rules/SHPxxx.md, generated by rules/docs.py,
# which gathers every module's DOCS); their Example and Use instead are run by
# tests/test_rule_docs.py.
DOCS = {
    "SHP210": RuleDoc(
        what="Checks a FLOPs or MACs figure stated next to a model for an input resolution "
             "(\"4.1 GFLOPs at 224x224\", \"600M MACs (224 px)\", \"FLOPs: 1.8G\" in a "
             "docstring that names 224x224) against what one forward pass of the model as "
             "written costs at that input, and reports the claim when they differ by more "
             "than 5% (or more than the precision written). Claims are read where SHP209 "
             "reads parameter counts. Figures follow torch's FlopCounterMode (2 FLOPs per "
             "multiply-accumulate of matmuls, linear layers, convolutions, attention, "
             "einsum; 0 for elementwise ops, norms and pooling); MACs are FLOPs / 2. Since "
             "papers and tools often write \"FLOPs\" for multiply-accumulates, a FLOPs claim "
             "is kept when it matches either figure; a MACs claim must match the MACs.",
        why="A stated cost is usually the cost of the model the author meant; when the code "
            "costs something else at the very input the text names, the code or the text is "
            "out of date. `shapelint confirm` shows FlopCounterMode's own figure beside "
            "shapelint's.",
        example="import torch.nn as nn\n\n\n"
                "class TinyNet(nn.Module):  # shapelint: input=(B, 3, 32, 32)\n"
                "    \"\"\"A tiny CNN for 32x32 images: 5M MACs.\"\"\"\n\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.conv = nn.Conv2d(3, 16, 3)\n"
                "        self.pool = nn.AdaptiveAvgPool2d(1)\n"
                "        self.fc = nn.Linear(16, 10)\n\n"
                "    def forward(self, x):\n"
                "        return self.fc(self.pool(self.conv(x).relu()).flatten(1))\n",
        use_instead="import torch.nn as nn\n\n\n"
                "class TinyNet(nn.Module):  # shapelint: input=(B, 3, 32, 32)\n"
                "    \"\"\"A tiny CNN for 32x32 images: 389K MACs.\"\"\"\n\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.conv = nn.Conv2d(3, 16, 3)\n"
                "        self.pool = nn.AdaptiveAvgPool2d(1)\n"
                "        self.fc = nn.Linear(16, 10)\n\n"
                "    def forward(self, x):\n"
                "        return self.fc(self.pool(self.conv(x).relu()).flatten(1))\n",
        known_problems="Judged only when the text states exactly one resolution and it is the "
                       "height and width of the input the model is analysed with (rank-4 "
                       "images), and only when the model's FLOPs for one sample at that input "
                       "are known exactly: a claim with no resolution, about another input "
                       "size, or about a model with an op shapelint cannot count is not "
                       "checked. Tools that also count elementwise ops, norms and pooling "
                       "(thop, ptflops) give a few percent more than FlopCounterMode; within "
                       "5% that is not reported. Speeds (\"312 TFLOPS\", \"per second\"), "
                       "comparisons and bounds (\"under 1 GFLOPs\"), counts of a part (\"each "
                       "block\") and texts giving several different figures are not read.",
        fix="None: whether the code or the claim is wrong is the author's call."),
}
