"""What one forward pass of a model costs: FLOPs per layer and in total, the bytes of every
layer's output (activations) and of the parameters, read from the model graph alone.

The convention is torch.utils.flop_counter.FlopCounterMode's, so that torch itself can check
every figure: 2 FLOPs per multiply-accumulate in matmuls (Linear, Dense, attention, recurrent
gates), bmm/baddbmm, einsum and convolutions; 0 for elementwise ops, norms and pooling. MACs
are FLOPs / 2. A figure is an exact int for the input shape shown, or for a batch of 1 when
the batch is the only size not given (`per_sample`), or a formula in the symbols left, or
unknown with a reason. A total with an unknown part is unknown, never a partial sum.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..domain.dims import NotKnown, Sym, SymDim, Unknown, is_known
from ..domain.shapes import Shape, product
# Its modules are imported where used: the lint path imports cost.outside (which calls may cost
# FLOPs, frameworks/torch_op_log.py) for every torch file, and the per-layer tables only when a
# figure is asked (`summary`, a FLOPs claim).

BATCH = Sym("batch")  # Keras's None batch, as a symbol the formulas can carry
DEFAULT_BYTES = 4  # float32, both frameworks' default parameter and activation dtype
_BYTES = {"float16": 2, "half": 2, "bfloat16": 2, "float32": 4, "float": 4, "float64": 8,
          "double": 8}
# Calls that change every tensor's dtype at once: the element size is then not the layers'.
_GLOBAL_DTYPE = ("set_default_dtype", "set_floatx", "set_global_policy", "set_dtype_policy",
                 ".half()", ".double()", ".bfloat16()", "autocast")


@dataclass(frozen=True)
class Figure:
    """An int, a formula over symbols (str), or unknown (None) with its reason."""
    value: int | None
    formula: str = ""
    reason: str = ""

    @property
    def known(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class ModelCost:
    rows: tuple  # (flops, activation_bytes) Figures, one pair per graph row
    flops: Figure
    param_bytes: Figure
    activation_bytes: Figure
    per_sample: bool  # the batch was symbolic: figures hold for a batch of 1
    reasons: tuple = field(default_factory=tuple)

    @property
    def macs(self) -> Figure:
        f = self.flops
        return Figure(f.value // 2 if f.known else None, f"({f.formula}) // 2"
                      if f.formula else "", f.reason)


def model_cost(graph) -> ModelCost:
    """The cost of one forward pass of the model as the graph holds it."""
    batch_names = _batch_names(graph)
    per_sample = [False]

    def figure(dim, reason="") -> Figure:
        if isinstance(dim, Unknown):
            return Figure(None, reason=reason or dim.reason)
        if is_known(dim):
            return Figure(dim)
        if isinstance(dim, SymDim):
            if dim.symbols() <= batch_names:
                per_sample[0] = True
                return Figure(dim.evaluate({name: 1 for name in dim.symbols()}))
            free = ", ".join(sorted(dim.symbols() - batch_names))
            return Figure(None, formula=str(dim), reason=f"depends on {free}")
        return Figure(None, reason=reason or "not known")

    dtype_reason = _global_dtype(graph)
    if graph.framework == "torch":
        rows, flops, acts, reasons = _torch(graph)
    else:
        rows, flops, acts, reasons = _keras(graph)
    if dtype_reason:
        acts = Unknown(dtype_reason)
        rows = [(f, Unknown(dtype_reason)) for f, _ in rows]
    params = graph.total
    param_bytes = Unknown(dtype_reason or "the parameter count is not known") \
        if params is None or dtype_reason else _param_bytes(graph)
    out = ModelCost(
        rows=tuple((figure(f), figure(a)) for f, a in rows),
        flops=figure(flops), param_bytes=figure(param_bytes),
        activation_bytes=figure(acts), per_sample=False, reasons=tuple(dict.fromkeys(reasons)))
    return ModelCost(out.rows, out.flops, out.param_bytes, out.activation_bytes,
                     per_sample[0], out.reasons)


# -- one layer application ---------------------------------------------------------------------

def node_flops(node, framework: str):
    """FLOPs of one layer application (a Dim, possibly symbolic); NotKnown when unknown."""
    if node.fault is not None:
        raise NotKnown("the layer fails here")
    from . import keras_flops, torch_flops
    table = torch_flops if framework == "torch" else keras_flops
    name = node.type_name
    if node.is_input or name in table.ZERO:
        return 0
    if name in getattr(table, "UNCOUNTED", {}):
        raise NotKnown(table.UNCOUNTED[name])
    formula = table.FORMULAS.get(name)
    if formula is None:
        raise NotKnown(f"no FLOP formula for {name}")
    args = getattr(node.layer, "arguments", None)
    if args is None:
        raise NotKnown(f"the arguments of {name} are not known")
    if framework == "keras" and _element_bytes(_dtype(args)) is None:
        raise NotKnown(f"{name} dtype={_dtype(args)!r} may quantize its matmuls")
    shapes = [_batch_symbol(s) for s in node.input_shapes]
    if not shapes or not all(s.known_rank for s in shapes) or not node.output_shape.known_rank:
        raise NotKnown(f"the shapes of {name} are not known")
    rule = getattr(node.layer, "rule", None)
    if framework == "keras" and rule is not None:
        # the count of weights the layer builds: how a layout the shapes leave open is read
        x = node.input_shapes if rule.multi_input else node.input_shapes[0]
        args = {**args, "_weights": lambda: rule.params(x) + rule.frozen(x)}
    return _definite(formula(args, shapes, _batch_symbol(node.output_shape)))


def node_activation_bytes(node):
    """Bytes of the layer's (first) output tensor at its dtype."""
    shape = node.output_shape
    if node.fault is not None or not shape.known_rank:
        raise NotKnown("the output shape is not known")
    args = getattr(node.layer, "arguments", None) or {}
    size = _element_bytes(_dtype(args))
    if size is None:
        raise NotKnown(f"dtype={_dtype(args)!r} is not a float type shapelint knows")
    if args.get("return_indices") is True:
        raise NotKnown("the layer also returns indices")
    return _definite(product(_batch_symbol(shape)[:]) * size)


def _definite(value):
    """A figure, or NotKnown: an Unknown dim never passes for a result."""
    if isinstance(value, Unknown):
        raise NotKnown(value.reason)
    return value


def _safe(function, node, framework=None):
    try:
        value = function(node, framework) if framework else function(node)
    except NotKnown as why:
        return Unknown(why.reason)
    except Exception as error:  # noqa: BLE001 - a formula that cannot read these shapes
        return Unknown(f"{node.type_name}: cost not evaluated ({type(error).__name__})")
    if not (is_known(value) or isinstance(value, (SymDim, Unknown))):
        return Unknown(f"{node.type_name}: cost not evaluated")
    return value


def _sum(values):
    terms = []
    for v in values:
        if isinstance(v, Unknown):
            return v
        terms.append(v)
    # Added pairwise: a model's hundreds of symbolic terms nest log2(n) deep, not n deep (a
    # left fold of timm's repvit_m1 overflowed the stack when printed or compared)
    while len(terms) > 1:
        terms = [terms[i] + terms[i + 1] if i + 1 < len(terms) else terms[i]
                 for i in range(0, len(terms), 2)]
    return terms[0] if terms else 0


# -- frameworks ----------------------------------------------------------------------------------

def _torch(graph):
    """Rows are modules; each call of a module in forward() costs again (FlopCounterMode
    counts every call), so a row sums its calls and the total sums every call."""
    calls: dict = {}
    reasons = []
    for applied in graph.applications:
        if applied.layer is None:
            reasons.append(f"line {applied.line}: {applied.type_name}() fails")
            calls.setdefault(None, []).append((Unknown("after-error"), Unknown("after-error")))
            continue
        flops = _safe(node_flops, applied, "torch")
        acts = _safe(node_activation_bytes, applied)
        if getattr(applied, "uncertain", False):  # run under a condition not decided
            why = Unknown(f"line {applied.line}: {applied.name} runs under a condition or loop "
                          "the analysis cannot decide")
            flops, acts = why, why
        calls.setdefault(id(applied.layer), []).append((flops, acts))
    out = graph.outputs[0].output_shape if graph.outputs else Shape.unknown("no output")
    # a module with no recorded call costs 0 only when forward() was followed to its end: a
    # call on a value the analysis lost is not recorded, and must not read as free
    lost = "forward() was not followed to its end, so its calls of this module are not known"
    unseen = 0 if out.known_rank else Unknown(lost)
    rows = []
    for row in graph.rows:
        if row.type_name == "Parameter":
            rows.append((0, 0))
            continue
        if row.layer is None or not hasattr(row.layer, "arguments"):
            why = Unknown(row.reason or f"submodule {row.name} is not known")
            rows.append((why, why))
            continue
        made = calls.get(id(row.layer))
        if not made:
            rows.append((unseen, unseen))
            continue
        rows.append((_sum(f for f, _ in made), _sum(a for _, a in made)))
    every = [c for made in calls.values() for c in made]
    # a row unknown for its own sake (a submodule shapelint does not know) hides calls too
    flops = _sum([f for f, _ in rows if isinstance(f, Unknown)] + [f for f, _ in every])
    acts = _sum([a for _, a in rows if isinstance(a, Unknown)] + [a for _, a in every])
    flops = _whole(graph, flops, reasons, module_level=False)
    if not out.known_rank and not isinstance(flops, Unknown):
        flops = Unknown("forward() returns a value shapelint could not follow")
    return rows, flops, acts, reasons


def _keras(graph):
    per_node = {}
    for node in graph.nodes:
        flops = 0 if node.is_input else _safe(node_flops, node, "keras")
        acts = 0 if node.is_input or getattr(node.layer, "hidden", False) else \
            _safe(node_activation_bytes, node)
        per_node[id(node)] = (flops, acts)
    rows = [per_node[id(n)] for n in graph.rows]
    flops = _sum(f for f, _ in per_node.values())
    acts = _sum(a for _, a in per_node.values())
    reasons: list = []
    flops = _whole(graph, flops, reasons, module_level=True)
    return rows, flops, acts, reasons


def _whole(graph, flops, reasons: list, module_level: bool):
    """The total, with the FLOP-bearing work the model's code does outside its layers: counted
    op by op where forward() was followed (torch), else unknown."""
    if graph.uncertain:
        return Unknown(graph.uncertain)
    if getattr(graph, "op_calls", None) is not None:
        extra = _functional(graph)
        if isinstance(extra, Unknown):
            reasons.append(extra.reason)
            return extra
        return flops if isinstance(flops, Unknown) else flops + extra
    paths = {graph.path} | {n.path for n in graph.nodes if n.path} | \
        {n.path for n in graph.applications if n.path} | {p for p, _ in graph.line_shapes}
    from . import outside
    for path in sorted(paths):
        found = outside.flop_ops(path, module_level)
        if found:
            line, op = found[0]
            shown = os.path.relpath(path) if os.path.isabs(path) else path
            why = (f"{shown}:{line}: {op} outside a layer costs FLOPs shapelint does not "
                   f"count yet") if line else found[0][1]
            reasons.append(why)
            return Unknown(why)
    return flops


def _functional(graph):
    """FLOPs of the ops forward() ran itself; unknown when one of them is, when one ran under
    a condition the analysis could not decide, or when a call site spelled like such an op ran
    without the op being recorded (its callee or operands were not known)."""
    def where(path, line, op, why):
        shown = os.path.relpath(path) if os.path.isabs(path) else path
        return Unknown(f"{shown}:{line}: {op} outside a layer costs FLOPs shapelint does not "
                       f"count: {why}")
    recorded = {(c.path, c.line) for c in graph.op_calls}
    for path, line, op, uncertain in graph.op_sites:
        if uncertain:
            return where(path, line, op, "it runs under a condition or loop the analysis "
                         "cannot decide")
        if (path, line) not in recorded:
            return where(path, line, op, "its callee or operands are not known")
    from . import functional_flops
    total = 0
    for call in graph.op_calls:
        try:
            value = functional_flops.op_flops(call)
        except NotKnown as why:
            return where(call.path, call.line, f"{call.name}()", why.reason)
        if isinstance(value, Unknown):
            return where(call.path, call.line, f"{call.name}()", value.reason)
        total = total + value
    return total


# -- sizes and dtypes ---------------------------------------------------------------------------

def _batch_symbol(shape: Shape) -> Shape:
    """Keras's unknown batch as the symbol `batch`, so formulas carry it."""
    if shape.known_rank and shape.dims and isinstance(shape.dims[0], Unknown) and \
            shape.dims[0].reason == "batch":
        return Shape((BATCH,) + tuple(shape.dims[1:]))
    return shape


def _batch_names(graph) -> frozenset:
    names = {BATCH.name}
    for node in graph.inputs:
        shape = node.output_shape
        first = shape.dims[0] if shape.known_rank and shape.dims else \
            (shape.head[0] if shape.head else None)
        if isinstance(first, Sym):
            names.add(first.name)
    return frozenset(names)


def _dtype(args: dict):
    """The dtype argument: a torch module's own parameter, or inside a Keras layer's
    **kwargs (the base Layer's option)."""
    if "dtype" in args:
        return args["dtype"]
    extra = args.get("kwargs")
    return extra.get("dtype") if isinstance(extra, dict) else None


def _element_bytes(dtype) -> int | None:
    """Bytes per element of a layer's dtype argument; None when not a float dtype we know
    (a Keras mixed policy keeps float32 weights but computes in float16: not one size)."""
    if dtype is None:
        return DEFAULT_BYTES
    text = str(getattr(dtype, "name", dtype))
    return _BYTES.get(text.removeprefix("torch."))


def _param_bytes(graph):
    total = 0
    for node in graph.nodes:
        if not node.counts:
            continue
        args = getattr(node.layer, "arguments", None) or {}
        size = _element_bytes(_dtype(args))
        if size is None:
            return Unknown(f"{node.name}: dtype={_dtype(args)!r} is not a float type "
                           "shapelint knows")
        count = node.total
        if not is_known(count):
            return Unknown("the parameter count is not known")
        total += count * size
    return total


def _global_dtype(graph) -> str:
    """A call in the model's file that changes dtypes globally makes every byte count unknown."""
    try:
        with open(graph.path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return ""
    for marker in _GLOBAL_DTYPE:
        if marker in text:
            return f"{graph.path} calls {marker.strip('.()')}, which changes dtypes globally"
    return ""
