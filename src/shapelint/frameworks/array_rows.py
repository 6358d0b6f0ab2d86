"""`for row in x` over a data array: numpy iterates over the first axis, each row an array of
the other axes (a view: the same dtype, and where the data came from). A loop is read pass by
pass, so its rows are given one by one when the array's length is known and at most
UNROLLED: `for crop in crops: rows.append(convert(crop))` then `np.array(rows)` keeps the
count of rows. A longer or unknown length is a loop of unknown length (None: the interpreter
reads it as an undecided pass, and a list it grows there has no known count)."""
from __future__ import annotations

from ..domain.dims import Unknown, is_known
from ..domain.shapes import Shape

# the most rows read one by one: a loop over a dataset of thousands stays a loop of unknown
# length rather than spending the file's budget on passes that all look alike
UNROLLED = 64


def rows(array) -> list | None:
    """The rows of array, one value per pass, or None when they are not read one by one."""
    if not array.shape.known_rank or not array.dims:
        return None
    length = array.dims[0]
    if not is_known(length) or isinstance(length, bool) or not 0 <= length <= UNROLLED:
        return None
    rest = tuple(array.dims[1:])
    if not rest:  # a 1-D array's items are numbers whose values are not known
        return [Unknown("an element of an array") for _ in range(length)]
    made = type(array)  # ArrayValue, without importing arrays.py, which imports this module
    return [made(Shape(rest), array.dtype, None, array.origin) for _ in range(length)]
