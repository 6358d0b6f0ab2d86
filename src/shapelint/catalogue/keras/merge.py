"""Keras 3 merging layers (keras/src/layers/merging/): Add, Subtract, Multiply, Average,
Maximum, Minimum, Concatenate and Dot, and the functional forms keras.layers.add(...) and the
like. None has weights; shapes follow each layer's compute_output_shape() (Keras 3.15).
Cross-checked against real Keras 3 (torch backend) in tests/test_keras_catalogue_more.py.
"""
from __future__ import annotations

from ...domain.codes import SHP105, SHP107
from ...domain.dims import NotKnown, Unknown, is_known
from ...domain.shapes import Shape
from .. import LayerFault, Rule, known_int, layer


def _mismatch(type_name, shapes, detail):
    text = ", ".join(str(s) for s in shapes)
    return LayerFault(SHP107, f"{type_name} cannot merge inputs of shapes {text}: {detail}",
                      input_shapes=[s.to_json() for s in shapes])


def _broadcast(type_name, shapes):
    """base_merge._compute_elemwise_op_output_shape over the non-batch axes."""
    out = tuple(shapes[0][1:])
    for shape in shapes[1:]:
        a, b = out, tuple(shape[1:])
        if len(a) < len(b):
            a, b = b, a
        if not b:
            out = a
            continue
        dims = list(a[:len(a) - len(b)])
        for i, j in zip(a[len(a) - len(b):], b):
            if not is_known(i) or not is_known(j):
                if i == 1 or j == 1:
                    dims.append(j if i == 1 else i)
                else:
                    dims.append(i if i == j else Unknown("merged size"))
            elif i == 1:
                dims.append(j)
            elif j == 1:
                dims.append(i)
            elif i != j:
                raise _mismatch(type_name, shapes, f"sizes {i} and {j} differ")
            else:
                dims.append(i)
        out = tuple(dims)
    batch = shapes[0][0]
    return Shape((batch,) + out)


def _merge_entry(type_name):
    def entry(**kwargs):
        def output(shapes):
            if len(shapes) < (2 if type_name in ("Subtract",) else 1):
                raise LayerFault(SHP105, f"{type_name} needs a list of inputs")
            if type_name == "Subtract" and len(shapes) != 2:
                raise LayerFault(SHP105, "Subtract takes exactly 2 inputs")
            return _broadcast(type_name, shapes)
        return Rule(output=output, multi_input=True, tags=frozenset({"merge"}))
    entry.__doc__ = f"keras.layers.{type_name}: element-wise over broadcast shapes; no weights."
    return entry


for _name in ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"):
    layer("keras", _name)(_merge_entry(_name))


@layer("keras", "Concatenate")
def concatenate(axis=-1, **kwargs):
    """Sizes add on `axis`; every other axis must agree (concatenate.py build/compute)."""
    axis = known_int(axis, "axis")

    def output(shapes):
        if not shapes:
            raise LayerFault(SHP105, "Concatenate needs a list of inputs")
        rank = shapes[0].rank
        if any(s.rank != rank for s in shapes):
            raise _mismatch("Concatenate", shapes, "ranks differ")
        ax = axis % rank
        if ax == 0:
            raise NotKnown("concatenation on the batch axis")
        dims = list(shapes[0][:])
        for i in range(1, rank):
            if i == ax:
                continue
            sizes = [s[i] for s in shapes]
            known = {d for d in sizes if is_known(d)}
            if len(known) > 1:
                raise _mismatch("Concatenate", shapes,
                                f"axis {i} sizes {sorted(known)} differ (concatenation axis "
                                f"is {axis})")
            if known and not is_known(dims[i]):
                dims[i] = known.pop()
        total = 0
        for s in shapes:
            total = total + s[ax]
        dims[ax] = total
        return Shape(tuple(dims))
    return Rule(output=output, multi_input=True, tags=frozenset({"merge"}))


@layer("keras", "Dot")
def dot(axes, normalize=False, **kwargs):
    """Dot.compute_output_shape: drop the contracted axes, then the second batch axis."""
    pair = axes if isinstance(axes, (tuple, list)) else None
    if pair is None:
        known_int(axes, "axes")
    elif len(pair) != 2 or not all(is_known(a) for a in pair):
        raise NotKnown("axes is not known")

    def output(shapes):
        if len(shapes) != 2:
            raise LayerFault(SHP105, "Dot takes exactly 2 inputs")
        s1, s2 = list(shapes[0][:]), list(shapes[1][:])
        if pair is None:
            ax = [axes % len(s1), axes % len(s2)] if axes < 0 else [axes, axes]
        else:
            ax = [a % len(s) for a, s in zip(pair, (s1, s2))]
        a, b = s1[ax[0]], s2[ax[1]]
        if is_known(a) and is_known(b) and a != b:
            raise _mismatch("Dot", shapes, f"contracted sizes {a} and {b} differ")
        s1.pop(ax[0])
        s2.pop(ax[1])
        s2.pop(0)
        out = s1 + s2
        if len(out) == 1:
            out.append(1)
        return Shape(tuple(out))
    return Rule(output=output, multi_input=True, tags=frozenset({"merge"}))


# The functional forms: keras.layers.add([...]) is Add()([...]).
FUNCTIONAL_FORMS = {"add": "Add", "subtract": "Subtract", "multiply": "Multiply",
                    "average": "Average", "maximum": "Maximum", "minimum": "Minimum",
                    "concatenate": "Concatenate", "dot": "Dot"}
