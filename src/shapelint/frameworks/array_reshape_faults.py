"""A NumPy reshape (`a.reshape(...)`, `np.reshape(a, ...)`) to a shape that cannot hold the
array's elements: numpy raises "cannot reshape array of size 99 into shape (1,100,1)" (SHP104,
as torch's view). Reported only when the array's every size and every size asked are known
integers, on the reshape's line, naming the line that made the array (its size is written there)."""
from __future__ import annotations

from ..domain.codes import SHP104
from ..domain.dims import is_known
from ..domain.shapes import product

DOC_ADDENDA = {"SHP104": {"what": (
    "NumPy: a script's `a.reshape(...)` or `np.reshape(a, ...)` to a shape that cannot hold the "
    "array's values (99 values into `(1, 100, 1)`) is reported on the reshape, naming the line "
    "that made the array, when every size of both is a known integer.")}}


def cannot_hold(array, new) -> str | None:
    """Why reshaping `array` (an ArrayValue) into the dims `new` raises for its element count;
    None when it does not, or when a size is not known."""
    if new is None or not array.shape.known_rank or not all(_int(d) for d in array.dims) or \
            not all(_int(d) for d in new) or any(d < -1 for d in new) or list(new).count(-1) > 1:
        return None
    size = product(array.dims)
    rest = product(d for d in new if d != -1)
    if -1 not in new:
        asked = ",".join(str(d) for d in new)
        return None if size == rest else \
            f"numpy raises \"cannot reshape array of size {size} into shape ({asked})\""
    if rest and size % rest == 0:
        return None
    # (numpy's message then spells the -1 its own ways: "(5)" for (-1, 5), "(2,newaxis)")
    return f"numpy raises: {size} values cannot fill {tuple(new)}, " + (
        f"{size} is not a multiple of {rest}" if rest else "whose other sizes hold 0")


def _int(d) -> bool:
    return is_known(d) and isinstance(d, int) and not isinstance(d, bool)


def check(interp, array, new, node) -> None:
    """Record the SHP104 of this reshape (`new`: the dims asked, as size_tuple reads them),
    when numpy certainly raises on it."""
    message = cannot_hold(array, new)
    if message is None or interp is None or node is None:
        return
    data = {"input_shape": list(array.dims), "target": list(new)}
    built, (path, line, _) = array.built_at, interp.position(node)
    if built is not None and built[0] == path and int(built[1]) != int(line):
        # (positions are lazy: the ints a reporter reads)
        data.update(data_at_line=int(built[1]), data_at_col=int(built[2]))
    from . import record_finding  # (the package imports arrays, which imports this module)
    record_finding(interp, SHP104, node, (
        f"reshape of an array {tuple(array.dims)} of {product(array.dims)} values into "
        f"{tuple(new)}: {message}"), data)
