"""Where, for the code that reads it, the data a model refuses was made (issue 16).

A helper's array: an image read by `def load(path, flag)` has its shape written inside load (the
numpy call there), but its caller gets what the call asked for: `load("a.jpg", GRAYSCALE)` is
the line a fix changes, the flag or mode passed picking the channels. So an array made inside
user functions by a statement that reads a parameter in a test or a key keeps the calls that
ran it (Interpreter.call_sites), and its data side is the outermost of those calls that passes
arguments (a call such as `main()` passes nothing, so it changes nothing made below it; then
the innermost call). Sizes the helper writes itself, (batch_size, 100), stay on its line.

Axes of 1: `img.reshape((1, 224, 224, -1))` or `np.expand_dims(x, 0)` writes no size of its own,
only where axes of 1 go. When the data's sizes other than 1 already differ from the model's, the
fault is in a size the array it came from wrote, and that array's place is the data side; when
they agree, the axes of 1 are the fault and the reshape's own line is."""
from __future__ import annotations

import libcst as cst

from ..domain.dims import is_known


def calls_now(interp) -> tuple | None:
    """The call sites under way, outermost first ((path, line, col), passes arguments), when
    the statement running in the innermost one chooses what it makes by a parameter; None at
    the module level or when the helper writes the sizes itself."""
    sites = getattr(interp, "call_sites", None)
    if not sites or not interp.frames or not _chosen_by_parameter(interp):
        return None
    return tuple(sites)


def _chosen_by_parameter(interp) -> bool:
    """The small statement running reads a parameter of its function in a test or a key (`(224,
    224) if flag == GRAY else (224, 224, 3)`, `{"RGBA": 4, "RGB": 3}[mode]`): what it makes
    depends on how the function was called. Sizes written in it, (batch_size, 100), do not."""
    statement, func = getattr(interp, "statement", None), interp.frames[-1][0]
    params = getattr(getattr(func, "node", None), "params", None)
    if statement is None or not isinstance(params, cst.Parameters):
        return False
    names = {p.name.value for p in (*params.posonly_params, *params.params,
                                    *params.kwonly_params)}
    finder = _Choosers(names)
    statement.visit(finder)
    return finder.found


class _Choosers(cst.CSTVisitor):
    def __init__(self, names):
        self.names, self.found = names, False

    def _reads(self, node) -> None:
        if node is not None and not self.found:
            self.found = any(isinstance(n, cst.Name) and n.value in self.names
                             for n in _names(node))

    def visit_IfExp(self, node) -> None:
        self._reads(node.test)

    def visit_Comparison(self, node) -> None:
        self._reads(node)

    def visit_SubscriptElement(self, node) -> None:
        self._reads(node.slice)


def _names(node):
    yield node
    for child in node.children:
        yield from _names(child)


def sizes_kept(array, sources) -> tuple | None:
    """(built_at, called_at) of the source whose sizes other than 1 the array has, or its own
    sizes_from, when the array only gained or lost axes of 1; None otherwise."""
    mine = _sizes(array)
    if mine is None:
        return None
    for source in sources:
        if getattr(source, "built_at", None) is not None and _sizes(source) == mine:
            kept = getattr(source, "sizes_from", None)
            return kept if kept is not None else (source.built_at, source.called_at)
    return None


def data_place(array, model_dims=None):
    """The data side of a finding on `array` for a model input of model_dims: the place of the
    array whose sizes it has when those sizes are what the model contradicts, else its own
    place; either at its caller's level."""
    kept = getattr(array, "sizes_from", None)
    # a resize wrote only the height and width of what it was given (image_resize.Resized):
    # its line is not where the other sizes were written, so it is not named for them
    resized = getattr(array, "sized_at", None) is not None
    if kept is not None and not resized and model_dims is not None and \
            _differ(array, model_dims):
        return caller_place(*kept)
    return caller_place(getattr(array, "built_at", None), getattr(array, "called_at", None))


def chosen_call(array, model_dims=None):
    """The place data_place gives, when it is a helper's call that chose what the helper made
    by an argument (the array, or the one whose sizes it kept, was made under called_at);
    None when the array was made where it is named."""
    kept = getattr(array, "sizes_from", None)
    resized = getattr(array, "sized_at", None) is not None
    if kept is not None and not resized and model_dims is not None and \
            _differ(array, model_dims):
        built, called = kept
    else:
        built, called = getattr(array, "built_at", None), getattr(array, "called_at", None)
    return caller_place(built, called) if called else None


def caller_place(built_at, called_at):
    """built_at, or for an array made inside a helper the call that ran it (see above)."""
    if not called_at:
        return built_at
    chosen = next((at for at, passes in called_at if passes and at is not None), None)
    return chosen if chosen is not None else called_at[-1][0]


def _sizes(array) -> tuple | None:
    shape = getattr(array, "shape", None)
    if shape is None or not shape.known_rank or not all(is_known(d) for d in array.dims):
        return None
    return tuple(d for d in array.dims if d != 1)


def _differ(array, model_dims) -> bool:
    """The data's sizes other than 1 after the batch axis are not the model's: a known pair
    differs, or (the model's sizes all known) there are more or fewer of them."""
    shape = getattr(array, "shape", None)
    if shape is None or not shape.known_rank or not array.dims:
        return False
    data = tuple(d for d in tuple(array.dims)[1:] if d != 1)
    model = tuple(d for d in tuple(model_dims)[1:] if not (is_known(d) and d == 1))
    if not all(is_known(d) for d in data):
        return False
    if len(data) != len(model):
        return all(is_known(d) for d in model)
    return any(is_known(b) and a != b for a, b in zip(data, model))
