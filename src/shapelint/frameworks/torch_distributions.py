"""torch.distributions.Normal as far as shapes go (torch docs: torch.distributions): Normal(loc,
scale) has the batch shape of loc and scale broadcast; sample(sample_shape) and rsample(...)
are sample_shape + batch_shape; log_prob(value) and cdf(value) are value broadcast with the
batch shape (one log-probability per element: a per-action policy's log_prob keeps the action
axis until it is summed); entropy(), mean, stddev and variance have the batch shape.

Facts only: a loc or scale that is not a tensor of known rank, a sample_shape not read, any
other method or distribution, leaves the value unknown."""
from __future__ import annotations

from ..catalogue import LayerFault
from ..catalogue.torch_ops import broadcast
from ..domain.dims import NotKnown, Unknown, is_known
from ..domain.shapes import Shape
from ..interpreter.values import Builtin

NAMES = ("torch.distributions.Normal", "torch.distributions.normal.Normal")


class Normal:
    """A Normal distribution of a known batch shape; make_tensor builds the tensors it gives."""

    def __init__(self, batch: Shape, make_tensor):
        self.batch, self.make_tensor = batch, make_tensor

    def shapelint_attribute(self, interp, name):
        if name in ("sample", "rsample"):
            return Builtin(f"Normal.{name}", lambda i, a, k, n: self._sample(a, k))
        if name in ("log_prob", "cdf"):
            return Builtin(f"Normal.{name}", lambda i, a, k, n: self._of_value(a, k))
        if name == "entropy":
            return Builtin("Normal.entropy", lambda i, a, k, n: self._tensor(self.batch)
                           if not a and not k else Unknown("Normal.entropy arguments"))
        if name in ("mean", "stddev", "variance", "loc", "scale", "mode"):
            return self._tensor(self.batch)
        if name == "batch_shape":
            return tuple(self.batch.dims)
        return Unknown(f"Normal.{name} is outside the analysis")

    def _tensor(self, shape: Shape):
        return self.make_tensor(shape)

    def _sample(self, args, kwargs):
        size = args[0] if args else kwargs.get("sample_shape", ())
        if len(args) > 1 or set(kwargs) - {"sample_shape"} or not isinstance(size, (tuple, list)) \
                or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                           for d in size):
            return Unknown("Normal.sample of a sample_shape shapelint cannot read")
        return self._tensor(Shape(tuple(size) + tuple(self.batch.dims)))

    def _of_value(self, args, kwargs):
        value = args[0] if args else kwargs.get("value")
        shape = getattr(value, "shape", None)
        if len(args) > 1 or set(kwargs) - {"value"} or not isinstance(shape, Shape) or \
                not shape.known_rank:
            return Unknown("Normal.log_prob of a value shapelint cannot read")
        try:
            return self._tensor(broadcast(shape, self.batch))
        except (LayerFault, NotKnown):  # torch raises (validate_args) or we cannot tell
            return Unknown("Normal.log_prob of a value that does not broadcast")


def call(name: str, args, kwargs, make_tensor):
    """Normal(loc, scale, validate_args=None); NotImplemented for other names."""
    if name not in NAMES:
        return NotImplemented
    loc = args[0] if args else kwargs.get("loc")
    scale = args[1] if len(args) > 1 else kwargs.get("scale")
    shapes = [getattr(v, "shape", None) for v in (loc, scale)]
    if len(args) > 2 or set(kwargs) - {"loc", "scale", "validate_args"} or \
            not all(isinstance(s, Shape) and s.known_rank and all(is_known(d) for d in s.dims)
                    for s in shapes):
        return Unknown("Normal of a loc or scale shapelint cannot read")
    try:
        return Normal(broadcast(*shapes), make_tensor)
    except (LayerFault, NotKnown):
        return Unknown("Normal of a loc and scale that do not broadcast")
