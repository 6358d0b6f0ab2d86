"""A position table sized by a default the model's builder leaves (issue 16): a transformer's
`self.pe = torch.zeros(max_seq_len, d_model)` built for `max_seq_len=200`, or a ViT's
`nn.Parameter(torch.zeros(1, (img_size // patch) ** 2 + 1, dim))` for `img_size=32`, added to
a longer sequence (`x = x + self.pe[:, :n]`, `x += self.positional_emb`): torch raises at the
add, and the fix passes the size where the model is built, the call that left the parameter at
its default. The finding moves there (SHP107, two tensors that cannot be merged) and names the
add where torch raises.

Facts only, read from the file's text: the operand is a `self.<name>` tensor (or a slice of
it, or a local bound once to one) bound once in the file, in its class's __init__, to a torch
factory given its sizes (through nn.Parameter, register_buffer, a local bound once, an
`.unsqueeze(0)`); the size on the one axis where the operands disagree is an expression of
int literals, module constants and parameters, each parameter given by the one call of its
function or class (outside loops, no *args) or left at its int default; exactly one default
is left on the way, evaluating the chain gives the table's size the analysis found, and some
value of that parameter gives the other operand's size."""
from __future__ import annotations

import re

import libcst as cst

from ..domain.codes import SHP107
from ..domain.dims import is_known
from . import torch_size_origins as origins
from .source_text import argument, call_at, enclosing_def, parameters

_FACTORIES = frozenset({"zeros", "ones", "empty", "randn", "rand"})
_OPS = {cst.Add: lambda a, b: a + b, cst.Subtract: lambda a, b: a - b,
        cst.Multiply: lambda a, b: a * b, cst.FloorDivide: lambda a, b: a // b,
        cst.Power: lambda a, b: a ** b if 0 <= b < 8 else None,
        cst.Modulo: lambda a, b: a % b}
_SEARCH = range(1, 4097)  # the values of the parameter tried for the other operand's size


DOC_ADDENDA = {"SHP107": {"what": (
    "torch: an add that fails on a position table (`self.pe`, sliced or not) sized in "
    "`__init__` by a parameter the model's one builder call leaves at its int default, where "
    "some value of that parameter gives the other tensor's size, is reported on that call, "
    "with the value to pass, naming the add where torch raises.")}}


def broadcast_fault(interp, applied, tensors, fix_at) -> None:
    """Set the fault's fix_at to the call that left the table's size at its default."""
    fault, node = applied.fault, getattr(interp, "operator_node", None)
    if getattr(fault, "fix_at", None) is not None or len(tensors) != 2 or node is None:
        return
    operands = (node.left, node.right) if isinstance(node, cst.BinaryOperation) else \
        (node.target, node.value) if isinstance(node, cst.AugAssign) else None
    a, b = (t.shape for t in tensors)
    if operands is None or not (a.known_rank and b.known_rank) or a.rank != b.rank or \
            not all(is_known(d) for d in (*a.dims, *b.dims)):
        return
    differ = [k for k in range(a.rank) if a[k] != b[k] and 1 not in (a[k], b[k])]
    module = interp.modules.get(applied.path or "")
    lines = getattr(module, "lines", None)
    if len(differ) != 1 or not lines:
        return
    axis, line = differ[0], int(applied.line)
    for expression, mine, other in ((operands[0], a, b), (operands[1], b, a)):
        found = _default_left(lines, line, expression, mine.rank, axis, mine[axis], other[axis])
        if found is not None:
            at, col, sentence = found
            fault.fix_at = fix_at(applied.path, at, col, SHP107, sentence)
            return


def _default_left(lines: list, line: int, expression, rank: int, axis: int, size: int,
                  wanted: int):
    """(line, col, sentence) of the call that leaves the parameter sizing the table read by
    `expression` (on `line`) along `axis` at its default; None when that is not certain."""
    attr = _table_attribute(lines, line, expression)
    init = _init_of(lines, line) if attr is not None else None
    built = _built(lines, init, attr) if init is not None else None
    if built is None:
        return None
    sizes, unsqueezed = built
    if rank != len(sizes) + unsqueezed or axis < unsqueezed:
        return None
    term = _term(lines, init, sizes[axis - unsqueezed], 0)
    defaults = _defaults(term) if term is not None else set()
    if len(defaults) != 1 or _value(term, None) != size:
        return None
    fits = [v for v in _SEARCH if _value(term, v) == wanted]
    if not fits:
        return None
    at, col, name, callee, default, def_line = next(iter(defaults))
    given = f"{name}={fits[0]}" + (f" (or up to {fits[-1]}: each gives {wanted})"
                                   if fits[-1] - fits[0] == len(fits) - 1 and len(fits) > 1
                                   else "")
    return at, col, (f"{callee}(...) on this line leaves {name} at its default {default} "
                     f"(line {def_line}), which sizes self.{attr} to {size} along dim {axis} "
                     f"where the tensor added to it has {wanted}: pass {given} there.")


def _table_attribute(lines: list, line: int, expression) -> str | None:
    """The name of `self.<name>` the operand reads: directly, sliced, or through a local
    bound once in the same def to one of those."""
    found = _self_attribute(expression)
    if found is not None or not isinstance(expression, cst.Name):
        return found
    owner = enclosing_def(lines, line)
    if owner is None:
        return None
    return _self_attribute(_local(origins._block(lines, owner[0]), expression.value))


def _self_attribute(node) -> str | None:
    if isinstance(node, cst.Subscript):
        node = node.value
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and \
            node.value.value == "self":
        return node.attr.value
    return None


def _init_of(lines: list, line: int) -> int | None:
    """The line of the __init__ of the class whose method holds `line`."""
    owner = enclosing_def(lines, line)
    if owner is None or owner[2][:1] != ["self"]:
        return None
    indent = len(lines[owner[0] - 1]) - len(lines[owner[0] - 1].lstrip())
    for number in range(owner[0] - 1, 0, -1):
        text = lines[number - 1]
        if text.strip() and len(text) - len(text.lstrip()) < indent:
            if not re.match(r"\s*class\s", text):
                return None
            inits = [i for i in range(number + 1, len(lines) + 1)
                     if re.match(rf"\s{{{indent}}}def\s+__init__\s*\(", lines[i - 1])]
            end = next((i for i in range(number + 1, len(lines) + 1)
                        if lines[i - 1].strip() and not lines[i - 1].lstrip().startswith("#")
                        and len(lines[i - 1]) - len(lines[i - 1].lstrip()) <= len(text) -
                        len(text.lstrip())), len(lines) + 1)
            inside = [i for i in inits if i < end]
            return inside[0] if len(inside) == 1 else None
    return None


def _built(lines: list, init: int, attr: str):
    """(the factory's size expressions, 1 if .unsqueeze(0) follows else 0) of the one binding
    of `self.<attr>` in the file, made in __init__ (on `init`)."""
    code = [t.split("#", 1)[0] for t in lines]
    word = re.escape(attr)
    binding = re.compile(rf"\.{word}\s*(=(?!=)|[-+*/]=)|register_(buffer|parameter)\(\s*"
                         rf"[\"']{word}[\"']")
    span = _class_span(lines, init)
    if span is None:
        return None
    cls, first, last = span
    binds = [i for i, t in enumerate(code, 1) if binding.search(t)]
    inside = [i for i in binds if first <= i <= last]
    # outside the class, only another class's own `self.<attr>` (another object) may bind it
    joined = "\n".join(code)
    if len(inside) != 1 or any(not re.search(rf"\bself\.{word}\b", code[i - 1]) or
                               _class_span(lines, i) in (None, span)
                               for i in binds if i not in inside) or \
            re.search(rf"class\s+\w+\s*\([^)]*\b{re.escape(cls)}\b", joined) or \
            "setattr" in joined or "__dict__" in joined or "load_state_dict" in joined:
        return None
    binds = inside
    block = origins._block(lines, init)
    if not init < binds[0] < init + len(block):
        return None
    text = code[binds[0] - 1].strip()
    if text.startswith("self.register_"):
        call = _expression(text)
        value = call.args[1].value if isinstance(call, cst.Call) and len(call.args) >= 2 \
            else None
    else:
        match = re.match(rf"self\.{word}\s*=\s*(.+)$", text)
        value = _expression(match.group(1)) if match else None
    value = _unwrapped(value)
    unsqueezed = 0
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute) and \
            value.func.attr.value == "unsqueeze" and len(value.args) == 1 and \
            isinstance(value.args[0].value, cst.Integer) and value.args[0].value.value == "0":
        value, unsqueezed = value.func.value, 1
    if isinstance(value, cst.Name):  # a local of __init__ bound once to the factory
        value = _local(block, value.value)
    sizes = _factory_sizes(value)
    return (sizes, unsqueezed) if sizes is not None else None


def _class_span(lines: list, line: int):
    """(class name, first line, last line) of the top-level class holding `line`."""
    first = next((i for i in range(line, 0, -1) if lines[i - 1][:1].strip()), None)
    found = re.match(r"class\s+(\w+)", lines[first - 1]) if first else None
    if found is None:
        return None
    last = next((i - 1 for i in range(first + 1, len(lines) + 1)
                 if lines[i - 1][:1].strip() and not lines[i - 1].startswith((")", "#"))),
                len(lines))
    return found.group(1), first, last


def _unwrapped(value):
    """nn.Parameter(x) (torch.nn.Parameter, Parameter) as x."""
    if isinstance(value, cst.Call) and value.args and cst.Module([]).code_for_node(
            value.func).split(".")[-1] == "Parameter":
        return value.args[0].value
    return value


def _local(block: list, name: str):
    """The expression a local name is bound to by its one binding in the def (item
    assignments into it, which keep its shape, aside); None if bound otherwise too."""
    word = re.escape(name)
    plain = [t for t in block[1:] if re.match(rf"\s*{word}\s*(=(?!=)|[-+*/@%]=|:)", t)]
    other = [t for t in block[1:] if re.search(
        rf"\bfor\s+[\w\s,()]*\b{word}\b[\w\s,()]*\bin\b|\bas\s+{word}\b|:=|"
        rf"^\s*[\w\s,()]*\b{word}\b[\w\s,()]*,[\w\s,()]*=(?!=)", t.split("#", 1)[0])]
    if len(plain) != 1 or other:
        return None
    match = re.match(rf"\s*{word}\s*=\s*(.+?)\s*(#.*)?$", plain[0])
    return _expression(match.group(1)) if match else None


def _factory_sizes(value):
    """The size expressions of torch.zeros(a, b, ...) / torch.zeros((a, b)) and kin, when
    given as positional sizes only (keywords such as dtype aside)."""
    if not isinstance(value, cst.Call) or not isinstance(value.func, cst.Attribute) or \
            value.func.attr.value not in _FACTORIES or \
            cst.Module([]).code_for_node(value.func.value) != "torch":
        return None
    positional = [a for a in value.args if a.keyword is None]
    if any(a.star for a in value.args) or not positional:
        return None
    if len(positional) == 1 and isinstance(positional[0].value, (cst.Tuple, cst.List)):
        return [e.value for e in positional[0].value.elements]
    return [a.value for a in positional]


def _term(lines: list, def_line: int | None, node, depth: int):
    """The expression as a term over ints and one or more defaults left: ("int", v),
    ("default", v, place) or ("op", fn, a, b); None when a part is not certain."""
    if depth > 8:
        return None
    if isinstance(node, cst.Integer):
        return ("int", int(node.value, 0))
    if isinstance(node, cst.BinaryOperation) and type(node.operator) in _OPS:
        left = _term(lines, def_line, node.left, depth + 1)
        right = _term(lines, def_line, node.right, depth + 1)
        return None if left is None or right is None else \
            ("op", _OPS[type(node.operator)], left, right)
    if isinstance(node, cst.Name):
        return _name(lines, def_line, node.value, depth)
    return None


def _name(lines: list, def_line: int | None, name: str, depth: int):
    """A name read in the def on `def_line` (None: module level): a parameter, a local bound
    once, or a module constant."""
    if def_line is None:
        bound = origins.module_constant(lines, name)
        return ("int", bound[1]) if bound is not None else None
    block = origins._block(lines, def_line)
    names = parameters(lines, def_line)
    if names is None or name not in names:
        local = _local(block, name)
        if local is not None:
            return _term(lines, def_line, local, depth + 1)
        bound = origins.module_constant(lines, name)
        return ("int", bound[1]) if bound is not None and not _binds(block, name) else None
    if origins._rebound(block, name):
        return None
    callee = _callee(lines, def_line)
    # its one call, and no other mention (a class or function passed on as a value may be
    # called under another name)
    calls = [(at, col) for at, col in origins._calls(lines, callee or "")
             if not re.match(r"\s*def\s", lines[at - 1])]
    if callee is None or len(calls) != 1 or origins._occurrences(lines)[callee] != 2 or \
            origins._in_loop(lines, calls[0][0]):
        return None
    at, col = calls[0]
    call = call_at(lines, at, col)
    if call is None or any(a.star for a in call.args):
        return None
    index = names.index(name) - (1 if names[:1] == ["self"] else 0)
    given = argument(call, name, index)
    if given is None:
        default = origins._default(lines, def_line, name)
        return None if default is None else \
            ("default", default, (at, col, name, callee, default, def_line))
    outer = enclosing_def(lines, at)
    return _term(lines, outer[0] if outer is not None else None, given, depth + 1)


def _callee(lines: list, def_line: int) -> str | None:
    """The function the def on `def_line` is called by: its name, or its class's for an
    __init__ (None for another method, called through an instance)."""
    text = lines[def_line - 1]
    name = re.match(r"\s*def\s+(\w+)", text).group(1)
    indent = len(text) - len(text.lstrip())
    if indent == 0:
        return name
    if name != "__init__":
        return None
    for number in range(def_line - 1, 0, -1):
        above = lines[number - 1]
        if above.strip() and len(above) - len(above.lstrip()) < indent:
            found = re.match(r"\s*class\s+(\w+)", above)
            return found.group(1) if found else None
    return None


def _binds(block: list, name: str) -> bool:
    return any(re.match(rf"\s*{re.escape(name)}\s*(=(?!=)|[-+*/]=)", t) for t in block[1:])


def _defaults(term) -> set:
    if term[0] == "default":
        return {term[2]}
    if term[0] == "op":
        return _defaults(term[2]) | _defaults(term[3])
    return set()


def _value(term, given):
    """The term's int value, the default left taking `given` when that is not None."""
    kind = term[0]
    if kind == "int":
        return term[1]
    if kind == "default":
        return term[1] if given is None else given
    left, right = _value(term[2], given), _value(term[3], given)
    if left is None or right is None or (right == 0 and term[1] in (
            _OPS[cst.FloorDivide], _OPS[cst.Modulo])):
        return None
    return term[1](left, right)


def _expression(text: str):
    try:
        return cst.parse_expression(text)
    except cst.ParserSyntaxError:
        return None
