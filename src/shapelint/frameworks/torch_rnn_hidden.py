"""SHP109 (torch part, issue 16): the initial state given to an nn.RNN / GRU / LSTM call, h0
(and an LSTM's c0), against the shape torch checks it for (torch/nn/modules/rnn.py,
check_hidden_size): (num_layers * num_directions, N, H) for a batched input whatever batch_first
says, (num_layers * num_directions, H) for an unbatched one, H = proj_size for an LSTM's h0 when
it projects, else hidden_size. torch raises RuntimeError "Expected hidden size (...), got
[...]" (an LSTM: "Expected hidden[0] size" for h0, "hidden[1]" for c0), or "For batched 3-D
input, hx should also be 3-D" when the ranks differ. Only a size that certainly differs is
reported (a symbolic batch that may equal the layer count says nothing), on the line that built
the state (a torch.zeros/randn/empty given its sizes), naming the call where torch raises."""
from __future__ import annotations

from ..domain.codes import SHP106, SHP109
from ..domain.dims import is_known, same
from ..domain.shapes import Shape
from .torch_rnn_batch_first import constructor_sentence, flag_fixes, on_constructor
from .torch_rnn_states import state_shapes

_KINDS = ("RNN", "GRU", "LSTM")

_STATE_DOC = (
    "torch: the initial state given to an `nn.RNN` / `nn.GRU` / `nn.LSTM` call (h0, and an "
    "LSTM's c0) whose shape certainly differs from `(num_layers * num_directions, N, "
    "hidden_size)` (an LSTM's h0 has `proj_size` when it projects; `N` stays the second axis "
    "with `batch_first=True`; an unbatched input takes `(num_layers * num_directions, H)`) is "
    "reported on the line that builds the state, naming the call where torch raises "
    "RuntimeError `Expected hidden size (...), got [...]`. When the layer lacks `batch_first` "
    "and every state fits what `batch_first=True` would check, several states wrong (an "
    "LSTM's h0 and c0) put the finding on the constructor; a single one names it.")
_WIDTH_DOC = (
    "torch: an `nn.RNN` / `nn.GRU` / `nn.LSTM` given an initial state made by another layer "
    "(an encoder's final state) whose last size contradicts the declared `hidden_size` is "
    "reported on the constructor, naming the call where torch raises.")
DOC_ADDENDA = {"SHP109": {"what": _STATE_DOC}, "SHP106": {"what": _WIDTH_DOC}}


def _differs(have: Shape, want: Shape) -> bool:
    """have certainly is not want (a rank or one size that differs for every input)."""
    if have.rank != want.rank:
        return True
    return any(same(d, e) is False for d, e in zip(have.dims, want.dims))


def _only_width(have: Shape, want: Shape) -> bool:
    """have and want differ in their last size only (the leading ones certainly agree)."""
    return have.rank == want.rank and same(have.dims[-1], want.dims[-1]) is False and \
        all(same(d, e) is True for d, e in zip(have.dims[:-1], want.dims[:-1]))


def _torch_text(type_name: str, i: int, have: Shape, want: Shape, batched: bool,
                ranks: tuple = ()) -> str:
    """What torch says (torch 2.13), unbatched shapes shown as torch sees them; `ranks` are
    every state's ranks, which an LSTM's text names together (h0's and c0's)."""
    if have.rank != want.rank:
        kind = "batched 3-D" if batched else "unbatched 2-D"
        wanted = "3-D" if batched else "2-D"
        if type_name == "LSTM" and len(ranks) == 2:
            got = ", ".join(f"{r}-D" for r in ranks)
            return f"For {kind} input, hx and cx should also be {wanted} but got ({got}) tensors"
        return f"For {kind} input, hx should also be {wanted} but got {have.rank}-D tensor"
    if not batched:
        have, want = Shape(have.dims[:1] + (1,) + have.dims[1:]), \
            Shape(want.dims[:1] + (1,) + want.dims[1:])
    which = f"hidden[{i}]" if type_name == "LSTM" else "hidden"
    dims = lambda s: ", ".join(str(d) for d in s.dims)  # noqa: E731
    return f"Expected {which} size ({dims(want)}), got [{dims(have)}]"


def check(interp, layer, x: Shape, given, node) -> bool:
    """Report an initial state `given` to `layer` (applied to an input of shape x at node)
    that torch certainly rejects; True when reported (torch raises there)."""
    type_name = layer.type_name
    if type_name not in _KINDS or given is None or not x.known_rank or x.rank not in (2, 3) \
            or interp.uncertain:
        return False
    wanted = state_shapes(type_name, layer.arguments, x)
    if wanted is None:
        return False
    parts = given if type_name == "LSTM" else (given,)
    if not isinstance(parts, (tuple, list)) or len(parts) != len(wanted):
        return False  # an LSTM given one tensor unpacks it: not judged here
    if not all(isinstance(getattr(p, "shape", None), Shape) and p.shape.known_rank
               for p in parts):
        return False
    # torch checks every state's rank before any size: a wrong rank is what it says first
    ranks = tuple(p.shape.rank for p in parts)
    order = sorted(range(len(parts)), key=lambda i: ranks[i] == wanted[i].rank)
    for i in order:
        part, want = parts[i], wanted[i]
        if _differs(part.shape, want):
            _report(interp, layer, node, i, part, want, x.rank == 3, flag_fixes(layer, x, parts),
                    ranks)
            return True
    return _on_last_batch(interp, layer, x, parts, node)


def _on_last_batch(interp, layer, x: Shape, parts, node) -> bool:
    """A state built for the full batches of a DataLoader whose last batch is shorter
    (torch_last_batch.LoaderBatch): every full batch passes, the last one raises. The fix is
    either side, drop_last=True on the DataLoader or a state built for each batch's size: the
    finding sits on the DataLoader and names the line that built the state."""
    from .torch_last_batch import LoaderBatch
    batch = next((d for d in x.dims if isinstance(d, LoaderBatch)), None)
    if batch is None or batch.loader_at is None or x.rank != 3:
        return False
    sized = lambda n: Shape(tuple(n if d is batch else d for d in x.dims))  # noqa: E731
    full = state_shapes(layer.type_name, layer.arguments, sized(batch.full))
    last = state_shapes(layer.type_name, layer.arguments, sized(batch.last))
    if full is None or last is None or not all(
            p.shape.known_rank and all(is_known(d) for d in p.shape.dims) and
            p.shape.dims == w.dims for p, w in zip(parts, full)):
        return False  # the state is not exactly the full batches' (or a size is not known)
    wrong = [i for i, (p, w) in enumerate(zip(parts, last)) if _differs(p.shape, w)]
    if not wrong:
        return False
    from ..domain.codes import Diagnostic
    i = wrong[0]
    part, want = parts[i], last[i]
    path, line, col = interp.position(node)
    at = batch.loader_at
    if not path or at[0] != path:
        return False
    name = ("h0", "c0")[i] if layer.type_name == "LSTM" else "h0"
    said = _torch_text(layer.type_name, i, part.shape, want, True)
    message = (f"The initial state {name} is {part.shape}, built for batches of {batch.full}, "
               f"but on {batch.describe()} nn.{layer.type_name} applied at line {line} expects "
               f"{want}: torch raises RuntimeError \"{said}\" there, after every full batch "
               f"passed. This DataLoader leaves that short batch: drop_last=True here drops it.")
    data = {"state": name, "given_shape": part.shape.to_json(),
            "expected_shape": want.to_json(), "last_batch": batch.last,
            "batch_size": batch.full, "seen_at_line": int(line), "seen_at_col": int(col)}
    built = getattr(part, "shape_at", None)
    if built and built[3] == "built" and built[0] == path and built[1] and \
            int(built[1]) not in (int(line), int(at[1])):
        message += (f" The state is built at line {built[1]}: built there for each batch's "
                    f"own size (x.size(0)), it fits the last batch too.")
        data.update(data_at_line=int(built[1]), data_at_col=int(built[2]))
    diagnostic = Diagnostic(SHP109, int(at[1]), int(at[2]), message, data, path)
    if diagnostic not in interp.state.findings:
        interp.state.findings.append(diagnostic)
    return True


def _report(interp, layer, node, i: int, part, want: Shape, batched: bool,
            flag_fixed: int = 0, ranks: tuple = ()) -> None:
    from ..domain.codes import Diagnostic
    path, line, col = interp.position(node)
    if not path:
        return
    name = ("h0", "c0")[i] if layer.type_name == "LSTM" else "h0"
    a = layer.arguments or {}
    how = ", ".join(k for k in ("bidirectional", "batch_first") if a.get(k) is True)
    layout = "(num_layers * num_directions, N, " if batched else \
        "(num_layers * num_directions, "
    size = "proj_size)" if name == "h0" and a.get("proj_size") else "hidden_size)"
    said = _torch_text(layer.type_name, i, part.shape, want, batched, ranks)
    second = " (N stays the second axis with batch_first=True)" if batched and \
        a.get("batch_first") is True else ""
    message = (f"The initial state {name} is {part.shape}, but nn.{layer.type_name}"
               f"(num_layers={a.get('num_layers', 1)}{', ' + how if how else ''}) applied at "
               f"line {line} expects {layout}{size} = {want}{second}: torch raises "
               f"RuntimeError \"{said}\".")
    data = {"state": name, "given_shape": part.shape.to_json(),
            "expected_shape": want.to_json(), "seen_at_line": int(line), "seen_at_col": int(col)}
    at, code = getattr(part, "shape_at", None), SHP109
    built_here = bool(at and at[3] == "built" and at[0] == path and at[1])
    if flag_fixed > 1 and on_constructor(layer, path, line):
        # states that all say the batch is first: the missing flag is the one-line fix
        message += constructor_sentence(layer, flag_fixed, int(at[1]) if built_here else None)
        if built_here:
            data.update(data_at_line=int(at[1]), data_at_col=int(at[2]))
        path, line, col = layer.path, layer.line, layer.col
    elif built_here:
        message += " The state is built on this line."
        if flag_fixed == 1 and on_constructor(layer, path, line):
            message += constructor_sentence(layer, 1, None)
            data.update(layer_at_line=int(layer.line))
        path, line, col = at[:3]
    elif _only_width(part.shape, want) and getattr(layer, "path", "") == path and \
            getattr(layer, "line", 0) and layer.line != line:
        # a state from another layer (an encoder's h_n): the declared size on the
        # constructor is the model's side of the fix (SHP106, as for input_size)
        code = SHP106
        message += (f" The state arrives at line {line}; the nn.{layer.type_name}(...) on "
                    f"this line sets the size it expects: change either this size or the "
                    f"layer that made the state.")
        path, line, col = layer.path, layer.line, layer.col
    else:
        data.pop("seen_at_line"), data.pop("seen_at_col")
    diagnostic = Diagnostic(code, line, col, message, data, path)
    if diagnostic not in interp.state.findings:
        interp.state.findings.append(diagnostic)
