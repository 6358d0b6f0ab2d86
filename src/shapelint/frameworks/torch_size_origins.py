"""Where the size a torch layer expects is written, when not in its own constructor call
(issue 16): a layer that rejects its input's size (SHP106 in_channels / input_size /
num_features, SHP101 in_features) is reported on the line whose value must change, and the
model's side is where that value is written:

- a module-level constant bound once to that number and read only by this constructor
  (`N_word = 300` ... `nn.LSTM(input_size=N_word, ...)`): changing the constant is changing
  the argument, and the constant's line is the one to edit;
- a parameter of the enclosing class's __init__ (`nn.Conv2d(in_channels, 64, 3)`) that the
  file's one instantiation of that class gives explicitly (`ResNetSmall(in_channels=3)`), or
  as an expression outside any loop (`Upsample(int(dim * 2 ** 2))`), read by nothing else
  but this constructor call: the value is written there, the default is not used;
- an entry of a module-level configuration dict literal the constructor reads
  (`config["bert_hid_size"]`), directly or through the parameter the one instantiation gives
  that dict by name (frameworks/config_entries.py);
- such a parameter whose literal default (`channels=3`) the file's one instantiation leaves
  (`SRResNet(scale_factor=2)`), never rebound in __init__ and read otherwise only by layers
  forward() applies after this one (the tail that gives the output's channels): that call is
  where this use of the class chooses it (the default serves other uses), so the fix passes it
  there; the default's line is named in the sentence. A default that also sizes a layer
  applied before (a GRU's hidden size feeding the head) stays on the constructor;
- an attribute another module declares for others to read (`nn.Linear(encoder.output_size,
  3)`, the encoder's __init__ binding `self.output_size = state_size` once, nothing else
  reading it): that statement is where the value the layer got is written.
Anything else (a value computed, a name read elsewhere too, several instantiations)
leaves the finding on the constructor (rules/checks.at_constructor). Read from the source text
with libcst, the layer's own call first: only what the file writes, nothing assumed."""
from __future__ import annotations

import re
import textwrap
from collections import Counter

import libcst as cst

from ..interpreter.loop_names import bound_names
from . import config_entries
from . import torch_passed_sizes as passed_sizes
from .source_text import argument, call_at, enclosing_def, signature

# the constructor argument that sets the size a layer checks its input against, first position
_SIZE_KEYS = ("in_channels", "input_size", "num_features", "in_features", "num_channels")
_CLASS = re.compile(r"^(\s*)class\s+([A-Za-z_]\w*)\b")
_WORD = re.compile(r"(?<![\w.])[A-Za-z_]\w*")


def size_argument(lines: list, layer, expected):
    """(argument name, constructor line, its call, the expression it gives) for the size
    `expected` that layer checks, as its constructor call writes it; None when no size
    argument holds it or the call is not in `lines`."""
    arguments = getattr(layer, "arguments", None) or {}
    key = next((k for k in _SIZE_KEYS if k in arguments and arguments[k] == expected
                and isinstance(expected, int) and not isinstance(expected, bool)), None)
    line = int(getattr(layer, "line", 0) or 0)
    if key is None or not 0 < line <= len(lines):
        return None
    call = call_at(lines, line, int(getattr(layer, "col", 0) or 0))
    return key, line, call, argument(call, key, 0) if call is not None else None


def written_at(lines: list, layer, expected, actual) -> tuple | None:
    """(line, col, sentence) where the size `expected` that layer checks is written, when
    that is not the layer's constructor call; None otherwise. The input has `actual` there."""
    written = size_argument(lines, layer, expected)
    if written is None:
        return None
    key, line, call, value = written
    what = f"{layer.type_name}'s {key} (line {line})"
    entry = config_entries.subscript_key(value)
    if entry is not None:
        found = _config_entry(lines, line, *entry, expected, what)
    elif isinstance(value, cst.Name):
        found = _constant(lines, value.value, expected, what) or \
            _instantiation(lines, line, value.value, expected, what, call)
    elif isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name) and \
            value.value.value not in ((enclosing_def(lines, line) or (0, "", []))[2]):
        # (a parameter of the function around the layer may be any object, not the module
        # the file binds under that name)
        found = _instance_attribute(lines, value.value.value, value.attr.value, expected, what)
    else:
        return None
    if found is None:
        return None
    if len(found) == 4:  # a default the call leaves: the fix passes the parameter there
        return (*found[:2], f"{found[2]}: pass {found[3]}={actual} there to take this input, "
                f"or give the layer an input of {expected}.")
    return (*found[:2], f"{found[2]}: make it {actual} to take this input, or give the "
            f"layer an input of {expected} there.")


def module_constant(lines: list, name: str):
    """(line, value) of `name = <int>` at module level when that is the name's one binding
    in the file (no other assignment anywhere, at any indentation)."""
    binds = [i for i, t in enumerate(lines, 1) if re.match(rf"\s*{name}\s*=(?!=)", t)]
    if len(binds) != 1:
        return None
    match = re.match(rf"{name}\s*=\s*(\d+)\s*(#.*)?$", lines[binds[0] - 1])
    return (binds[0], int(match.group(1))) if match else None


def _constant(lines: list, name: str, expected: int, what: str):
    """`name = expected` at module level, bound once, and read by this constructor only."""
    bound = module_constant(lines, name)
    if bound is None or bound[1] != expected or _occurrences(lines)[name] != 2:
        return None
    return (bound[0], 0, f"{name} = {expected} on this line sets {what}, and nothing else "
            f"reads it")


def _instantiation(lines: list, line: int, name: str, expected: int, what: str,
                   layer_call=None, depth: int = 0):
    """The parameter `name` of the enclosing __init__, given as `expected` by the one call of
    that class in the file (layer_call: the layer's constructor call that reads it)."""
    owner = _enclosing_init(lines, line)
    if owner is None:
        return None
    cls, parameters, method, def_line = owner
    if name not in parameters:
        return None
    calls = _calls(lines, cls)
    if len(calls) != 1:
        return None
    at, col = calls[0]
    call = call_at(lines, at, col)
    if call is None or any(a.star for a in call.args):  # *args / **kwargs may give it
        return None
    given = argument(call, name, parameters.index(name))
    if given is None:
        default = _default(lines, def_line, name)
        if default != expected or _rebound(method, name) or \
                not _read_downstream_only(lines, method, def_line, line, name):
            return None
        return (at, col, f"{cls}(...) on this line leaves {name} at its default {expected} "
                f"(line {def_line}), which sets {what}", name)
    # read only by the signature and this constructor call (its other arguments, such as
    # `n_feat * 2` out_channels, do not size what the layer receives)
    inside = _reads([cst.Module([]).code_for_node(layer_call)], name) if layer_call else 1
    if _reads(method, name) - inside != 1:
        return None
    if isinstance(given, cst.Integer):
        if int(given.value, 0) != expected:
            return None
        return (at, col, f"{name}={expected} given to {cls} on this line sets {what}")
    # an expression (`Upsample(int(dim * 2 ** 2))`): its value is the one the layer got, when
    # this call runs once per instance of the enclosing code (no loop, no comprehension) and
    # __init__ does not rebind the parameter
    if _rebound(method, name) or _in_loop(lines, at):
        return None
    if isinstance(given, cst.Name) and depth < 4:  # passed on by name: where it is written
        further = _passed_from(lines, at, given.value, expected, f"{what} through {cls}(...) "
                               f"at line {at}", call, depth)
        if further is not None:
            return further
    text = cst.Module([]).code_for_node(given)
    return (at, col, f"{name}={text} given to {cls} on this line ({expected}) sets {what}")


def _passed_from(lines: list, at: int, name: str, expected: int, what: str, call, depth: int):
    """The place up the chain (torch_passed_sizes) where `name`, given by the instantiation
    on line `at`, gets its value: the enclosing __init__'s one instantiation, or a module
    constant bound once and read only there."""
    if _enclosing_init(lines, at) is not None:
        found = _instantiation(lines, at, name, expected, what, call, depth + 1)
        return found if found is not None and len(found) == 3 else None
    bound = module_constant(lines, name)
    if not passed_sizes.module_constant_read_once(lines, name, expected, at, bound):
        return None
    return (bound[0], 0, f"{name} = {expected} on this line sets {what}, and nothing else "
            f"reads it")


def _instance_attribute(lines: list, name: str, attr: str, expected: int, what: str):
    """`name.attr` read by the constructor, where `name` is bound once in the file to a call of
    a class the file defines, whose __init__ binds `self.attr` in one statement, the file's
    only binding of `.attr` (no other assignment, setattr or subclass), and nothing but this
    constructor reads `.attr`: the attribute is the size that module declares for others to
    read (an encoder's `self.output_size = state_size`), its statement is where the value the
    layer got is written. Anything else stays on the constructor."""
    text = [t.split("#", 1)[0] for t in lines]
    binds = [i for i, t in enumerate(text, 1) if re.match(rf"\s*{name}\s*=(?!=)", t)]
    if len(binds) != 1:
        return None
    made = re.match(rf"\s*{name}\s*=\s*([A-Za-z_]\w*)\s*\(", text[binds[0] - 1])
    if made is None:
        return None
    cls = made.group(1)
    classes = [i for i, t in enumerate(lines, 1) if _CLASS.match(t)]
    own = [i for i in classes if _CLASS.match(lines[i - 1]).group(2) == cls]
    joined = "\n".join(text)
    if len(own) != 1 or re.search(rf"class\s+\w+\s*\([^)]*\b{cls}\b", joined) or \
            "setattr" in joined or "__dict__" in joined:
        return None
    word = re.escape(attr)
    sets = [i for i, t in enumerate(text, 1) if re.search(rf"\.{word}\s*(=(?!=)|[-+*/]=)", t)]
    if len(sets) != 1 or len(re.findall(rf"\.{word}\b", joined)) != 2:
        return None
    at = sets[0]
    owner = _enclosing_init(lines, at)
    assignment = re.match(rf"(\s*)self\.{word}\s*=\s*(.+?)\s*$", text[at - 1])
    if owner is None or owner[0] != cls or assignment is None or \
            assignment.group(2).endswith(("(", "[", ",", "\\")):
        return None
    return (at, len(assignment.group(1)), f"self.{attr} = {assignment.group(2)} on this line "
            f"({expected}) sets {what}, and nothing else reads {name}.{attr}")


def _in_loop(lines: list, line: int) -> bool:
    """Whether the statement on `line` sits in a for / while body (read upwards by
    indentation) or holds a comprehension."""
    text = lines[line - 1]
    if re.search(r"\bfor\b.+\bin\b", text.split("#", 1)[0]):
        return True
    here = len(text) - len(text.lstrip())
    for number in range(line - 1, 0, -1):
        above = lines[number - 1]
        stripped = above.strip()
        if not stripped or stripped.startswith("#") or len(above) - len(above.lstrip()) >= here:
            continue
        here = len(above) - len(above.lstrip())
        if re.match(r"(async\s+)?(for|while)\b", stripped):
            return True
        if here == 0:
            return False
    return False


def _read_downstream_only(lines: list, method: list, def_line: int, line: int,
                          name: str) -> bool:
    """Whether every read of `name` in __init__ besides the signature and the layer's own call
    (on `line`) is in a layer forward() applies after this one (SRResNet's tail
    `nn.Conv2d(n, channels, 9)` after its head): passing another value then changes what
    comes after the layer, never what it receives. A read in a layer applied before it (the
    GRU whose `hidden` sizes the head's input), or one whose order is not read, says nothing
    is certain: False."""
    mine, body, order = _attribute(method, def_line, line), False, None
    for number, text in enumerate(method, def_line):
        code = text.split("#", 1)[0]
        if not body:  # the signature, up to the line that closes it
            body = code.rstrip().endswith(":")
            continue
        if number == line or not re.search(rf"(?<![\w.]){re.escape(name)}\b", code):
            continue
        other = _attribute(method, def_line, number)
        order = order if order is not None else _forward_uses(lines, def_line)
        if mine is None or other is None or other == mine or \
                order.get(mine) is None or order.get(other) is None or \
                order[other] <= order[mine]:
            return False
    return True


def _attribute(method: list, def_line: int, line: int) -> str | None:
    """The `self.<name>` the statement holding `line` assigns (read upwards to its start)."""
    for number in range(line, def_line, -1):
        found = re.match(r"\s*self\.(\w+)\s*=(?!=)", method[number - def_line])
        if found:
            return found.group(1)
        if re.match(r"\s*[\w.]+\s*=(?!=)", method[number - def_line]):
            return None  # another statement starts here
    return None


def _forward_uses(lines: list, def_line: int) -> dict:
    """{attribute: line of its first use as `self.<attribute>` in the class's forward()}."""
    indent = len(lines[def_line - 1]) - len(lines[def_line - 1].lstrip())
    start = next((i for i in range(def_line + 1, len(lines) + 1)
                  if re.match(rf"\s{{{indent}}}def\s+forward\s*\(", lines[i - 1])
                  and len(lines[i - 1]) - len(lines[i - 1].lstrip()) == indent), None)
    if start is None:
        return {}
    uses: dict = {}
    for number, text in enumerate(_block(lines, start)[1:], start + 1):
        for found in re.finditer(r"self\.(\w+)", text.split("#", 1)[0]):
            uses.setdefault(found.group(1), number)
    return uses


def _default(lines: list, def_line: int, name: str):
    """The int literal the signature of the def on `def_line` gives `name` as default; None
    when it gives none or another expression."""
    params = signature(lines, def_line)
    for param in (*params.params, *params.kwonly_params) if params else ():
        if param.name.value == name and isinstance(param.default, cst.Integer):
            return int(param.default.value, 0)
    return None


def _rebound(method: list, name: str) -> bool:
    """Whether the body of the def in `method` binds `name` again (an assignment, a loop
    target, a walrus, an import, a nested def); True when it does not parse, so nothing is
    assumed."""
    function = _parsed(method)
    return function is None or name in bound_names(function.body)


def _parsed(method: list):
    try:
        node = cst.parse_statement(textwrap.dedent("\n".join(method)) + "\n")
    except cst.ParserSyntaxError:
        return None
    return node if isinstance(node, cst.FunctionDef) else None


def _config_entry(lines: list, line: int, name: str, key: str, expected: int, what: str):
    """`name["key"]` read by the constructor: the entry of the module-level dict literal it
    names, directly or through the __init__ parameter the class's one instantiation gives that
    dict by name (`Model(config)`)."""
    owner = _enclosing_init(lines, line)
    if owner is not None and name in owner[1]:
        cls, parameters, method, _ = owner
        calls = _calls(lines, cls)
        call = call_at(lines, *calls[0]) if len(calls) == 1 else None
        if call is None or any(a.star for a in call.args) or _rebound(method, name):
            return None
        given = argument(call, name, parameters.index(name))
        if not isinstance(given, cst.Name):
            return None
        name = given.value
    elif owner is not None and _rebound(owner[2], name):
        return None
    at = config_entries.entry_line(lines, name, key, expected)
    if at is None:
        return None
    return (at, 0, f"\"{key}\": {expected} in {name} on this line sets {what}, and nothing "
            f"else reads it")


def _calls(lines: list, cls: str) -> list:
    """(line, col) of each call of class cls in the file, leaving out comments (a call quoted
    in a comment is none) and the class statement."""
    return [(i, m.start()) for i, t in enumerate(lines, 1)
            for m in re.finditer(rf"(?<![\w.]){cls}\s*\(", t.split("#", 1)[0])
            if not _CLASS.match(t)]


def _enclosing_init(lines: list, line: int):
    """(class name, its __init__'s parameters after self, the method's lines, the def's
    line) around `line`, read upwards."""
    owner = enclosing_def(lines, line)
    if owner is None or owner[1] != "__init__" or owner[2][:1] != ["self"]:
        return None
    number, _, parameters = owner
    indent = len(lines[number - 1]) - len(lines[number - 1].lstrip())
    for above in range(number - 1, 0, -1):
        found = _CLASS.match(lines[above - 1])
        if found and len(found.group(1)) < indent:
            return found.group(2), parameters[1:], _block(lines, number), number
    return None


def _block(lines: list, start: int) -> list:
    """The lines of the def at line `start`: those after it indented deeper, blank, or closing
    its signature."""
    indent = len(lines[start - 1]) - len(lines[start - 1].lstrip())
    end = start
    while end < len(lines) and (not lines[end].strip() or lines[end].lstrip().startswith(")")
                                or len(lines[end]) - len(lines[end].lstrip()) > indent):
        end += 1
    return lines[start - 1:end]


def _reads(lines: list, name: str) -> int:
    """How often `name` occurs in lines as a name, leaving out the keyword of a call that
    passes it on under its own name (`nn.LSTM(input_size=input_size)` reads the parameter
    once: the keyword is the callee's name for it). Only `name=name` is read so: a default in
    the signature (`in_channels=3`) looks like a keyword and is the parameter itself."""
    text = "\n".join(t.split("#", 1)[0] for t in lines)
    word = re.escape(name)
    keywords = len(re.findall(rf"[(,]\s*{word}\s*=(?!=)\s*{word}(?!\w)", text))
    return _occurrences(lines)[name] - keywords


def _occurrences(lines: list) -> Counter:
    return Counter(_WORD.findall("\n".join(t.split("#", 1)[0] for t in lines)))
