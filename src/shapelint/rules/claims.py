"""SHP209: a docstring or comment on or next to a model states a parameter count the model as
written does not build (within 5%, or within the precision the author wrote).

Where a claim is read as being about a model (its "sites"):
- the comment on the statement that builds the model (its first or last line), and the block
  of comment lines directly above it; here a bare "# 1.2B" counts too, on the statement's own
  line or the line just above;
- the docstring of the function the model is built in, the comments above its `def`, and
  the comments in its body that say they are about the whole ("total", "model", "network",
  ...), when that function builds no other model;
- the same for the model's own class (torch nn.Module, keras.Model subclass), when the file
  makes no other model from it and its __init__ needs no arguments (so its docstring describes
  the model built);
- the module docstring, when the file makes exactly one model.
Comments on lines that build a layer are never read as the model's (they are the layer's).
Judged: only models whose total is exact (a "trainable" claim against the trainable count, and
not at all in a file that freezes layers, which is not modelled); a text that also states the
count built is explaining a difference, not claiming; one finding per text (a pasted summary's
"Trainable params:" line repeats its "Total params:" line). The work (an ast parse and a
tokenize) is done only when the file's comments or docstrings hold something claim-shaped."""
from __future__ import annotations

import ast
import functools
import io
import re
import tokenize
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..domain.codes import SHP201, SHP209, Diagnostic, RuleDoc
from ..interpreter.positions import python_statement_lists

if TYPE_CHECKING:
    from .claim_text import Claim

_WHOLE = re.compile(r"\b(?:total|overall|in\s+all|whole|entire|model|network|net|altogether)\b",
                    re.IGNORECASE)
# Freezing (layer.trainable = False, p.requires_grad = False) is not modelled: in a file that
# freezes anything, the trainable count is not known, so "trainable" claims are not judged.
_FREEZES = re.compile(r"\btrainable\s*=|requires_grad")
# A pragma after a claim ("# 1.2B  # noqa: SHP209") is not part of it.
_PRAGMA = re.compile(r"\s#\s*(?=noqa|type:|pragma|pylint:|fmt:|warning:|error:|info:)")
# a line with its end, as ast.get_source_segment splits a file (at \r\n, \r and \n only)
_ENDED_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_ABOVE = 5  # comment lines above a model statement read as being about it
# The cheap gate: the file's comments and triple-quoted strings (roughly: a '#' in a string
# counts too), searched for a number beside a parameter word or a lone "# 1.2B". Only a file
# that passes pays for the ast parse and tokenize; 19 of 955 keras and torchvision sources do.
_PROSE = re.compile(r"#[^\n]*|\"\"\"[\s\S]*?\"\"\"|'\'\'[\s\S]*?'\'\'")
_CLAIM_SHAPED = re.compile(
    r"(?i)\d\s*(?:[kmb]|thousand|million|billion|bn|mln)?\s*-?(?:[a-z-]+\s+)?(?:param|weights)"
    r"|param[a-z]*(?:\s+count)?[\s:=~≈]*(?:[a-z.]+\s+){0,2}[~≈]?\s*\d"
    r"|#\s*[~≈]?\s*\d+(?:\.\d+)?\s?[kmb]\s*$", re.MULTILINE)


@functools.lru_cache(maxsize=8)  # asked up to three times per file (analysis.py, the rule)
def might_claim(source: str) -> bool:
    """Could any comment or docstring of the file hold a claim? (No false negatives for
    comments and triple-quoted docstrings; false positives only cost time.)"""
    return bool(_CLAIM_SHAPED.search("\n".join(_PROSE.findall(source))))


def claim_comment_lines(source: str) -> set[int] | None:
    """The lines of the comments that may hold a claim, for telling which module-level
    statements a claim may speak of (its own lines, or the comment block up to _ABOVE lines
    above it); None when a docstring may hold one (a module docstring speaks of any model)."""
    lines = set()
    for match in _PROSE.finditer(source):
        if _CLAIM_SHAPED.search(match.group()):
            if not match.group().startswith("#"):
                return None
            lines.add(source.count("\n", 0, match.start()) + 1)
    return lines


def claim_near(lines: set[int] | None, first: int, last: int) -> bool:
    """Could a claim on one of lines speak of the statement spanning first..last?"""
    return lines is None or any(first - _ABOVE <= line <= last for line in lines)


@dataclass(frozen=True)
class Text:
    """A comment or docstring: its text, and where it starts in the file."""
    kind: str  # "comment", "docstring", "module docstring"
    text: str
    line: int
    col: int
    bare: bool = False  # a lone "# 1.2B" counts here

    def claims(self) -> list[tuple[Claim, int, int]]:
        """Each claim with the file line and column it is at (a comment's claims at its '#')."""
        out = []
        from .claim_text import find_claims  # loaded only for prose that may claim
        for claim in find_claims(self.text, self.bare):
            breaks = self.text.count("\n", 0, claim.start)
            col = self.col
            if self.kind != "comment":
                col = claim.start - (self.text.rfind("\n", 0, claim.start) + 1) + \
                    (self.col if not breaks else 0)
            out.append((claim, self.line + breaks, col))
        return out


def check_claims(source: str, path: str, built: list,
                 tree: ast.Module | None = None) -> list[Diagnostic]:
    """SHP209 findings; built holds (model, graph, the graph's diagnostics) for each model;
    tree is CPython's tree of source, when the caller has it."""
    built = [b for b in built if b[1].path == path]  # models this file makes
    if not any(graph.total is not None for _, graph, _ in built) or \
            not might_claim(source):
        return []
    try:
        tree = tree or ast.parse(source)
        if not _within_reach(source, tree, built, claim_comment_lines(source)):
            return []
        return _check(source, path, built, tree)
    except Exception:  # noqa: BLE001 - a claim check never costs the file its other findings
        return []


def _within_reach(source: str, tree: ast.Module, built: list, lines: set[int] | None) -> bool:
    """Could a claim on lines be read as speaking of a model built? Every place a claim is
    read from lies in the function that makes the model (else the statement that does), or in
    its class's definition, or in the comment block above one of them (the module docstring
    makes lines None). Tokenizing a large file's comments costs more than the rest of its
    check, and test suites mention parameters in comments far from any model."""
    if lines is None:
        return True
    for model, graph, _ in built:
        spans = [_reach_of(tree, graph.line, _FUNCTIONS)] if graph.line else []
        instance = getattr(model, "root", None) or getattr(model, "instance", None)
        name = getattr(getattr(instance, "cls", None), "name", None)
        if name:
            for match in re.finditer(rf"^[ \t]*class[ \t]+{re.escape(name)}\b", source,
                                     re.MULTILINE):
                line = source.count("\n", 0, match.start()) + 1
                spans.append(_reach_of(tree, line, ast.ClassDef))
        if any(span and claim_near(lines, *span) for span in spans):
            return True
    return False


def _reach_of(tree: ast.Module, line: int, kind) -> tuple[int, int] | None:
    """The lines of the innermost definition of a kind holding line, else of the innermost
    statement holding it."""
    found, innermost, statements = None, None, tree.body
    while statements:
        node = next((n for n in statements
                     if _first_line(n) <= line <= (n.end_lineno or n.lineno)), None)
        if node is None:
            break
        innermost = node
        if isinstance(node, kind):
            found = node
        statements = [child for block in python_statement_lists(node) for child in block]
    node = found or innermost
    return (_first_line(node), node.end_lineno or node.lineno) if node is not None else None


def _check(source: str, path: str, built: list, tree: ast.Module) -> list[Diagnostic]:
    source_map = SourceMap(source, tree)
    owners = [_owner_of(source_map, model, graph) for model, graph, _ in built]
    out, seen = [], set()
    freezes = bool(_FREEZES.search(source))
    for here, (_, graph, found) in enumerate(built):
        if graph.total is None:  # a count that is not exact is never judged
            continue
        for text in _sites(source_map, graph, owners[here], owners):
            # One finding per text: a pasted summary's "Trainable params:" line repeats the
            # "Total params:" line that was already reported.
            for claim, line, col in text.claims():
                if (line, claim.start, text.kind) not in seen:
                    seen.add((line, claim.start, text.kind))
                    diagnostic = _judge(claim, line, col, text, graph, found, path, freezes)
                    if diagnostic is not None:
                        out.append(diagnostic)
                        break
    return out


class SourceMap:
    """The file's comments by line, its definitions with their line spans, its docstrings."""

    def __init__(self, source: str, tree: ast.Module | None = None):
        self.tree = tree or ast.parse(source)
        self.source = source
        self.lines = source.split("\n")  # as ast numbers lines (splitlines() also splits at \f)
        self.comments: dict[int, tuple[int, str]] = {}  # line -> (col, text after '#')
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                text = _PRAGMA.split(token.string[1:], 1)[0].strip()
                self.comments[token.start[0]] = (token.start[1], text)
        self.statements = [n for n in ast.walk(self.tree) if isinstance(n, ast.stmt)]
        self._ended = None  # the lines with their ends, split as ast splits them (segment)

    def code_only_comment(self, line: int) -> bool:
        return line in self.comments and \
            not self.lines[line - 1][:self.comments[line][0]].strip()

    def statement_at(self, line: int) -> ast.stmt | None:
        """The innermost statement holding a line (a definition counts by its header)."""
        best = None
        for node in self.statements:
            first = _first_line(node)
            last = node.body[0].lineno - 1 if _is_definition(node) else node.end_lineno
            if first <= line <= max(last, node.lineno) and (
                    best is None or first >= _first_line(best)):
                best = node
        return best

    def enclosing(self, line: int, kind) -> ast.AST | None:
        """The innermost definition of a kind (function or class) whose body holds a line."""
        best = None
        for node in self.statements:
            if isinstance(node, kind) and node.body[0].lineno <= line <= node.end_lineno and (
                    best is None or node.lineno >= best.lineno):
                best = node
        return best

    def docstring(self, node, kind: str) -> Text | None:
        body = getattr(node, "body", [])
        first = body[0] if body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and \
                isinstance(first.value.value, str):
            raw = self.segment(first.value)
            return Text(kind, raw, first.lineno, first.col_offset)
        return None

    def segment(self, node) -> str:
        """node's source text, as ast.get_source_segment gives it ("" for a node with no end),
        from the file's lines split once: get_source_segment splits the whole file at every
        call, a fifth of a second on a large one."""
        if node.end_lineno is None or node.end_col_offset is None:
            return ""
        if self._ended is None:
            self._ended = _ENDED_LINE.findall(self.source)
        lines, first, last = self._ended, node.lineno - 1, node.end_lineno - 1
        if first == last:
            return lines[first].encode()[node.col_offset:node.end_col_offset].decode()
        return "".join([lines[first].encode()[node.col_offset:].decode(), *lines[first + 1:last],
                        lines[last].encode()[:node.end_col_offset].decode()])

    def comment(self, line: int, bare: bool = False) -> Text | None:
        if line not in self.comments:
            return None
        col, text = self.comments[line]
        return Text("comment", text, line, col, bare)


def _first_line(node) -> int:
    decorators = getattr(node, "decorator_list", None) or []
    return min([node.lineno] + [d.lineno for d in decorators])


def _is_definition(node) -> bool:
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True)
class Owner:
    """Where a model is made in this file: the builder function, the model's own class."""
    function: ast.AST | None
    cls: ast.ClassDef | None


def _owner_of(source_map: SourceMap, model, graph) -> Owner:
    function = source_map.enclosing(graph.line, _FUNCTIONS) if graph.line else None
    if function is not None and source_map.enclosing(graph.line, ast.ClassDef) is not None:
        inner_class = source_map.enclosing(graph.line, ast.ClassDef)
        if inner_class.lineno > function.lineno:  # a class inside the function is nearer
            function = None
    return Owner(function, _model_class(source_map, model, graph))


def _model_class(source_map: SourceMap, model, graph) -> ast.ClassDef | None:
    """The ClassDef of a torch module or keras.Model subclass instance, when in this file."""
    instance = getattr(model, "root", None) or getattr(model, "instance", None)
    cls = getattr(instance, "cls", None)
    if cls is None or getattr(cls.module, "path", None) != graph.path:
        return None
    found = [n for n in source_map.statements
             if isinstance(n, ast.ClassDef) and n.name == cls.name]
    return found[0] if len(found) == 1 else None


def _sites(source_map: SourceMap, graph, owner: Owner, owners: list) -> list[Text]:
    layer_lines = _LayerLines(graph)
    out = _statement_sites(source_map, graph.line, layer_lines)
    if owner.function is not None and sum(o.function is owner.function for o in owners) == 1:
        out += _definition_sites(source_map, owner.function, layer_lines)
        out += _statement_sites(source_map, owner.function.lineno, layer_lines)
    if owner.cls is not None and sum(o.cls is owner.cls for o in owners) == 1 and \
            _needs_no_arguments(owner.cls):
        out += _definition_sites(source_map, owner.cls, layer_lines)
        out += _statement_sites(source_map, owner.cls.lineno, layer_lines)
    if len(owners) == 1:
        module_doc = source_map.docstring(source_map.tree, "module docstring")
        out += [module_doc] if module_doc is not None else []
    return out


class _LayerLines:
    """The lines of a graph's layers in its own file, found on the first question: each line is
    a codegen (domain/spots.py), and a model with no comment beside its layers asks none."""

    def __init__(self, graph):
        self.graph, self.lines = graph, None

    def __contains__(self, line: int) -> bool:
        if self.lines is None:
            graph = self.graph
            self.lines = {n.line for n in graph.nodes + graph.applications
                          if n.path == graph.path}
        return line in self.lines


def _statement_sites(source_map: SourceMap, line: int, layer_lines: set) -> list[Text]:
    """The comments on the statement that makes the model and the comment block above it."""
    statement = source_map.statement_at(line)
    if statement is None:
        return []
    first = _first_line(statement)
    last = statement.lineno if _is_definition(statement) else statement.end_lineno
    out = [source_map.comment(n, bare=True) for n in {first, last}
           if n in source_map.comments and (n == first or n not in layer_lines)]
    block, above = [], first - 1
    while above > 0 and len(block) < _ABOVE and source_map.code_only_comment(above):
        block.insert(0, source_map.comments[above][1])
        above -= 1
    if block:
        start = above + 1
        col = source_map.comments[start][0]
        # The bare "# 1.2B" form only on the line just above: it says nothing about itself.
        if len(block) > 1:
            out.append(Text("comment", "\n".join(block[:-1]), start, col))
        out.append(source_map.comment(first - 1, bare=True))
    return [t for t in out if t is not None]


def _definition_sites(source_map: SourceMap, node, layer_lines: set) -> list[Text]:
    """A definition's docstring, and its body's comments that speak of the whole model."""
    out = []
    doc = source_map.docstring(node, "docstring")
    if doc is not None:
        out.append(doc)
    for line in range(node.body[0].lineno, node.end_lineno + 1):
        text = source_map.comment(line)
        if text is not None and _WHOLE.search(text.text) and line not in layer_lines:
            out.append(text)
    return out


def _needs_no_arguments(cls: ast.ClassDef) -> bool:
    init = next((n for n in cls.body if isinstance(n, _FUNCTIONS) and n.name == "__init__"),
                None)
    if init is None:
        return True
    arguments = init.args
    positional = arguments.posonlyargs + arguments.args
    required = len(positional) - len(arguments.defaults) - 1  # self
    return required <= 0 and all(d is not None for d in arguments.kw_defaults)


def _judge(claim: Claim, line: int, col: int, text: Text, graph, found, path,
           freezes: bool) -> Diagnostic | None:
    from .claim_text import difference, holds, stated_counts
    total, trainable = graph.total, (None if freezes else graph.trainable)
    built = trainable if claim.trainable else total
    if built is None or holds(claim, built) or \
            any(holds(other, built) for other in stated_counts(text.text)):
        return None  # kept, or the text itself also states the count built
    what = "trainable parameters" if claim.trainable else "parameters"
    message = (f"{text.kind} claims {claim.text}; the model as written builds {built:,} "
               f"{what} ({difference(claim.value, built)})")
    data = {"params_claimed": claim.value, "params_built": built, "claim": claim.text,
            "model": graph.entry or graph.name}
    if not claim.trainable and trainable is not None and trainable != total and \
            holds(claim, trainable):
        message += (f"; its {trainable:,} trainable parameters would match (the total "
                    f"includes {total - trainable:,} non-trainable)")
        data["trainable_built"] = trainable
    cause = next((d for d in found if d.code is SHP201), None)
    if cause is not None:
        layer = (cause.data or {}).get("type", "layer")
        message += (f". Likely cause: the {layer} applied to a feature map on line "
                    f"{cause.line} (SHP201)")
        intended = (cause.data or {}).get("total_intended")
        if intended is not None:
            data["params_with_flatten"] = intended
            message += (f"; with Flatten() before it the model builds {intended:,}"
                        + (", which fits the claim" if holds(claim, intended) else ""))
    return Diagnostic(SHP209, line, col, message + ".", data, path)


# The pages of the codes raised here (docs/rules/SHPxxx.md, generated by rules/docs.py,
# which gathers every module's DOCS); their Example and Use instead are run by
# tests/test_rule_docs.py.
DOCS = {
    "SHP209": RuleDoc(
        what="Checks a parameter count stated next to a model (\"60 million parameters\", "
             "\"~60M params\", \"Total params: 1,234\", a lone `# 1.2B` on the model's line) "
             "against the total the model as written builds, and reports the claim when they "
             "differ by more than 5% (or more than the precision written: `1.2B` is anything "
             "that rounds to 1.2B). The finding sits on the claim's line and names both "
             "numbers. A claim is read from the comment on the statement that makes the model "
             "and the comment lines just above it; the docstring of the function that builds "
             "it, the comments above its `def`, and its comments that speak of the whole "
             "(\"total\", "
             "\"model\", \"network\"); the same for the model's own class (torch "
             "`nn.Module`, `keras.Model` subclass) when its `__init__` needs no arguments; and "
             "the module docstring of a file that makes one model. Only models whose count "
             "is exact are judged; a \"trainable\" claim is compared with the trainable "
             "count, any other with the total (Keras counts BatchNormalization's moving "
             "statistics; torch counts parameters, not buffers).",
        why="A stated count is usually the count of the model the author meant (the paper's "
            "figure, or the summary of an earlier version). When the code builds something "
            "else, one of them is wrong: AlexNet typed from the paper without its last "
            "pooling and `Flatten()` builds 25,678,184 parameters where the docstring says "
            "60 million. When the same model has an SHP201 finding (a Dense on a feature "
            "map), the message names it as the likely cause and gives the total with "
            "`Flatten()`.",
        example="from keras import Sequential, layers\n\n"
                "# A small CNN for MNIST: about 1.2M parameters.\n"
                "model = Sequential([\n"
                "    layers.Conv2D(32, 3, activation=\"relu\", input_shape=(28, 28, 1)),\n"
                "    layers.MaxPooling2D(2),\n"
                "    layers.Flatten(),\n"
                "    layers.Dense(10, activation=\"softmax\"),\n"
                "])\n",
        use_instead="from keras import Sequential, layers\n\n"
                    "# A small CNN for MNIST: 54,410 parameters.\n"
                    "model = Sequential([\n"
                    "    layers.Conv2D(32, 3, activation=\"relu\", input_shape=(28, 28, 1)),\n"
                    "    layers.MaxPooling2D(2),\n"
                    "    layers.Flatten(),\n"
                    "    layers.Dense(10, activation=\"softmax\"),\n"
                    "])\n",
        known_problems="Only counts written beside a parameter word are read (\"60M "
                       "params\", \"params: 60M\"), except a lone `# 1.2B` on the model's own "
                       "line or the line just above. Sentences that compare or bound "
                       "(\"fewer than\", \"unlike the original\", \"under 1M\"), ranges "
                       "(\"50-60M\"), counts of a part (\"each block\", \"the encoder\"), "
                       "and a text giving two different totals are not read as claims, so some "
                       "true mismatches go unreported. A class docstring describing a "
                       "configuration other than the one the file builds (with the same "
                       "argument-free `__init__`) is reported; correct the docstring or allow "
                       "the line.",
        fix="None: whether the code or the claim is wrong is the author's call."),
}
