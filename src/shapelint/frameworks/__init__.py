"""How external names behave when the interpreter meets them: Keras (and later torch) objects,
pure standard-library functions, and everything else as Unknown."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..domain.dims import Unknown
from ..interpreter.regex_model import regex_refs
from ..interpreter.builtins import (CONSTANT_REFS, Wraps, call_pure_ref, inspect_signature,
                                    make_partial)
from ..interpreter import configs
from ..interpreter.collections_model import (make_defaultdict, make_deque, make_repeat,
                                             reduce_items)
from ..domain.assumed import noted
from ..interpreter.values import BoundMethod, Builtin, Class, Instance, Ref
from . import keras_edges, pil_files
from .spelled import (CUSTOM_OBJECTS, SPELLED_FOR_TF_KERAS, for_tf_keras,
                      registers_custom_objects)
from .arrays import stamp

_ALIASES = (
    ("tensorflow.python.keras.", "keras."), ("tensorflow.keras.", "keras."),
    ("tf_keras.", "keras."), ("keras._tf_keras.keras.", "keras."), ("keras.src.", "keras."),
    ("keras.api.", "keras."),
) + tuple(
    # TensorFlow's spellings of keras.ops in tf.keras code, where the positional arguments
    # mean the same (tf.reduce_mean(x, axis, keepdims) is keras.ops.mean(x, axis, keepdims));
    # an argument keras.ops does not take (tf.matmul's transpose_a) leaves the result unknown.
    # tf.split (sizes, not indices) and tf.shape (a tensor, not a tuple) are not among them.
    (f"tensorflow.{tf_name}.", f"keras.ops.{keras_name}.") for tf_name, keras_name in {
        "reshape": "reshape", "matmul": "matmul", "linalg.matmul": "matmul",
        "concat": "concatenate", "stack": "stack", "transpose": "transpose",
        "expand_dims": "expand_dims", "squeeze": "squeeze", "einsum": "einsum",
        "cast": "cast", "tile": "tile", "reduce_sum": "sum", "reduce_mean": "mean",
        "reduce_max": "max", "reduce_min": "min", "reduce_prod": "prod",
        "math.reduce_sum": "sum", "math.reduce_mean": "mean", "math.reduce_max": "max",
        "math.reduce_min": "min", "add": "add", "subtract": "subtract",
        "multiply": "multiply", "divide": "divide", "math.add": "add",
        "math.multiply": "multiply", "math.sqrt": "sqrt", "sqrt": "sqrt", "exp": "exp",
        "math.exp": "exp", "square": "square", "math.square": "square", "tanh": "tanh",
        "math.tanh": "tanh", "sigmoid": "sigmoid", "math.sigmoid": "sigmoid",
        "nn.softmax": "softmax", "math.softmax": "softmax", "nn.relu": "relu",
        "nn.gelu": "gelu", "nn.sigmoid": "sigmoid", "nn.tanh": "tanh", "nn.silu": "silu",
        "nn.swish": "silu", "nn.log_softmax": "log_softmax"}.items())

REGEX_REFS = regex_refs()
_NUMPY = "numpy."  # numpy_api.ROOT: that module is loaded by the first file that calls numpy
# Standard-library modules none of whose calls returns a module or a parameter: a model that
# keeps a logger or a lock (`self.log = logging.getLogger(...)`) still has a known count. Not
# here: what may hand back an object it was given (copy, pickle, random.choice, typing.cast,
# functools, operator, itertools, weakref, dataclasses.replace).
_NEVER_WEIGHTS = tuple(f"{m}." for m in (
    "threading", "logging", "time", "datetime", "re", "json", "os", "sys", "math", "pathlib",
    "queue", "socket", "subprocess", "warnings", "string", "uuid", "hashlib", "tempfile",
    "shutil", "glob", "csv", "platform", "multiprocessing", "signal", "struct", "io", "gzip",
    "zipfile", "tarfile", "urllib", "traceback", "getpass", "textwrap"))
# What the names datasets.py and image_dirs.py answer for begin with (keras.datasets.mnist.
# load_data, to_categorical, ImageDataGenerator, tensorflow.one_hot, sklearn's
# train_test_split): a file that calls none of them does not load those modules.
DATA_ROOTS = ("keras.datasets.", "keras.utils.", "keras.preprocessing.", "keras_preprocessing.",
              "keras.ops.one_hot", "tensorflow.one_hot", "sklearn.")
# keras.applications' preprocess_input functions (image_files.py): every other
# keras.applications name (the models) is the Keras framework's.
PREPROCESS = ("keras.applications.", ".preprocess_input")
# image_resize.NAMES: resizes of data arrays (and keras.ops.convert_to_numpy of one), read
# there; on a symbolic tensor they go on to keras.ops as before
RESIZES = frozenset({"keras.ops.image.resize", "keras.ops.convert_to_numpy"})


@lru_cache(maxsize=16_384)  # the same few hundred names, asked at every call of a model
def canonical(qualname: str) -> str:
    """One spelling per framework name: tensorflow.keras.layers.Dense -> keras.layers.Dense."""
    name = qualname + "."
    changed = True
    while changed:
        changed = False
        for old, new in _ALIASES:
            if name.startswith(old):
                name = new + name[len(old):]
                changed = True
    return name[:-1]


# The framework modules (keras.py, torch.py, einops_api.py), in the order their hooks are
# asked, and the words a source must hold for its code to make a name one of them answers for.
# Each module's hooks answer only for its own names, which only code naming the framework
# makes (every alias in _ALIASES names keras or tensorflow): a file, and the sibling modules it
# reads, that never say "torch" never import the torch framework and catalogue, nor the Keras
# ones without "keras" or "tensorflow" (tests/test_lazy_imports.py). Each costs a process that
# starts to lint one file a tenth of a second or more.
_FRAMEWORKS = (("keras", ("keras", "tensorflow")), ("torch", ("torch",)),
               ("einops_api", ("einops",)))


class Frameworks:
    """The hooks the interpreter calls; one instance per analysis. Each framework module
    (keras.py, torch.py) offers the same optional hooks; the first that answers wins."""

    def __init__(self):
        self.modules = ()
        self._loaded: set = set()

    def read(self, source: str) -> None:
        """Told each source text the analysis reads: the frameworks it names are loaded."""
        for module, words in _FRAMEWORKS:
            if module not in self._loaded and any(word in source for word in words):
                self._load(module)

    def _load(self, module: str) -> None:
        import importlib
        self._loaded.add(module)
        self.modules = tuple(importlib.import_module(f".{name}", __name__)
                             for name, _ in _FRAMEWORKS if name in self._loaded)

    def _named(self, name: str) -> str:
        """A canonical name; one of a framework's loads it (an ENTRY may name it first)."""
        for module, words in _FRAMEWORKS:
            if module not in self._loaded and name.startswith(words):
                self._load(module)
        return name

    def new_state(self, interp):
        return State()

    def knows(self, qualname: str) -> bool:
        name = self._named(canonical(qualname))
        return any(m.knows(name) for m in self.modules)

    def call_ref(self, interp, ref: Ref, args, kwargs, node):
        spelled = SPELLED_FOR_TF_KERAS.set(for_tf_keras(ref.qualname))
        custom = CUSTOM_OBJECTS.set(registers_custom_objects(interp.current_module))
        try:
            made = self._call_ref(interp, ref, args, kwargs, node)
        finally:
            CUSTOM_OBJECTS.reset(custom)
            SPELLED_FOR_TF_KERAS.reset(spelled)
        # A layer or parameter made after a decision on a default rests on that default too
        # (interpreter/assumed.py); graph.assumptions reads it.
        if interp.assumed_frames and (hasattr(made, "arguments") or
                                      getattr(made, "parameter", False) is True):
            context = noted(interp)
            if context:
                try:
                    made.context_assumptions = context
                except (AttributeError, TypeError):  # a frozen or slotted object
                    pass
        return made

    def _call_ref(self, interp, ref: Ref, args, kwargs, node):
        name = self._named(canonical(ref.qualname))
        if name.startswith(_LIST_READERS) and interp.tainted:
            # torch.cat(outs) of a list grown in a loop of unknown length: it holds one pass's
            # tensors, not all of them (interpreter core.note_mutation)
            args = tuple(_unread_if_tainted(interp, a) for a in args)
            kwargs = {k: _unread_if_tainted(interp, v) for k, v in kwargs.items()}
        if name in CONSTANT_REFS:
            return Unknown(f"{name} is not callable")
        if name == "io.BytesIO":
            return pil_files.memory_file(args, kwargs)
        if name != "PIL.Image.open":  # a buffer given to any other call may be written there
            pil_files.escaped(args, kwargs)
        # np.linspace(..., dtype=...) is an array of that dtype (numpy_api), not its values
        pure = None if name == "numpy.linspace" and "dtype" in kwargs else \
            call_pure_ref(interp, name, args, kwargs)
        if pure is not None:
            return pure
        if name in REGEX_REFS:
            return REGEX_REFS[name].fn(interp, args, kwargs, node)
        if name == "inspect.signature":
            return inspect_signature(interp, args, kwargs, node)
        if name == "functools.wraps":
            return Wraps(args[0]) if args else Unknown("wraps()")
        if name in ("copy.copy", "copy.deepcopy"):
            return clone(args[0], deep=name.endswith("deepcopy")) if args else Unknown("copy")
        if name == "typing.cast":
            return args[1] if len(args) == 2 else Unknown("typing.cast arguments")
        if name == "functools.partial":
            return make_partial(interp, args, kwargs, node)
        if name == "collections.OrderedDict":
            return interp.builtins["dict"].fn(interp, args, kwargs, node)
        if name == "collections.defaultdict":
            return make_defaultdict(interp, args, kwargs, node)
        if name == "collections.deque":
            return make_deque(interp, args, kwargs, node)
        if name == "itertools.repeat":
            return make_repeat(interp, args, kwargs, node)
        if name == "functools.reduce":
            return reduce_items(interp, args, kwargs, node)
        made = configs.call(interp, name, args, kwargs, node)
        if made is not NotImplemented:
            return made
        if name.startswith(DATA_ROOTS) or (name.startswith(PREPROCESS[0]) and
                                           name.endswith(PREPROCESS[1])):
            from . import datasets
            data = datasets.call(interp, name, args, kwargs, node)
            if data is not NotImplemented:
                return stamp(data, interp, node, args)
        if name.startswith(("PIL.Image.", "PIL.ImageOps.")):
            from . import pil_images
            image = pil_images.call(interp, name, args, kwargs, node)
            if image is not NotImplemented:
                return image
        if name.startswith(("torchvision.", "torch.utils.data.", "tqdm.")):
            from . import torchvision_data
            data = torchvision_data.call(interp, name, args, kwargs, node)
            if data is not NotImplemented:
                return data
        if name in RESIZES:
            from . import image_resize
            resized = image_resize.call(interp, name, args, kwargs, node)
            if resized is not NotImplemented:
                return resized
        loss = keras_edges.make_loss(name)
        if loss is not NotImplemented:
            return loss
        if name.startswith(_NUMPY):
            from . import numpy_api
            return stamp(numpy_api.call(interp, name, args, kwargs, node), interp, node, args)
        for module in self.modules:
            if name.startswith(module.ROOT):
                return module.call(interp, name, args, kwargs, node)
        if name in ("torchsummary.summary", "torchinfo.summary"):
            from .torch import observe_summary
            observe_summary(interp, name, args, kwargs)
            return None
        return Unknown(f"{ref.qualname}() is outside the analysis",
                       opaque=not name.startswith(_NEVER_WEIGHTS), where=interp.call_site(node))

    def constant(self, qualname: str):
        name = canonical(qualname)
        if name.startswith(_NUMPY) and name not in CONSTANT_REFS:
            from . import numpy_api
            return numpy_api.constant(name)
        return CONSTANT_REFS.get(name, NotImplemented)

    def _first(self, hook: str, *args):
        for module in self.modules:
            fn = getattr(module, hook, None)
            if fn is not None:
                answer = fn(*args)
                if answer is not NotImplemented:
                    return answer
        return NotImplemented

    def module_names(self, qualname: str) -> frozenset | None:
        """dir() of a framework module shapelint lists, or None."""
        from ..catalogue.torch_module_names import NAMES
        return NAMES.get(self._named(canonical(qualname)))

    def is_class(self, qualname: str) -> bool:
        """Is the external name a class we model (torch.nn.Conv2d), not a function?"""
        name = self._named(canonical(qualname))
        last = name.rsplit(".", 1)[-1]
        return name.startswith("torch.nn.") and last[:1].isupper() and self.knows(name)

    def instantiate(self, interp, cls: Class, args, kwargs, node):
        return self._first("instantiate", interp, cls, args, kwargs, node)

    def instance_attribute(self, interp, obj: Instance, name: str):
        return self._first("instance_attribute", interp, obj, name)

    def class_attribute(self, interp, cls: Class, name: str):
        """An attribute a user class inherits from a framework class (`Fn.apply`)."""
        return self._first("class_attribute", interp, cls, name)

    def lost_write(self, interp, reason: str) -> None:
        """Something that may be a module or parameter was stored where the analysis cannot
        follow: every model built so far may hold it."""
        for module in self.modules:
            fn = getattr(module, "lost_write", None)
            if fn is not None:
                fn(interp, reason)

    def lost_call(self, interp, reason: str, given) -> None:
        """A call that did not run to its end was given these values: the models among them
        (or, when a layer the frameworks keep no record of is among them, every model) may
        have changed; so may an in-memory file among them (pil_files)."""
        pil_files.escaped(tuple(given), {})
        for module in self.modules:
            fn = getattr(module, "lost_call", None)
            if fn is not None:
                fn(interp, reason, given)

    def set_instance_attribute(self, interp, obj: Instance, name: str, value) -> bool:
        return self._first("set_instance_attribute", interp, obj, name, value) is True

    def call_instance(self, interp, obj: Instance, args, kwargs, node):
        return self._first("call_instance", interp, obj, args, kwargs, node)

    def dropped_value(self, interp, statement, value, scope) -> None:
        """A statement left a reshaped tensor unused (torch_fix_origins.dropped)."""
        from . import torch_fix_origins
        torch_fix_origins.dropped(interp, statement, value, scope)

    def isinstance_of(self, value, ref: Ref):
        """True/False when a framework can tell; None otherwise."""
        name = self._named(canonical(ref.qualname))
        for module in self.modules:
            fn = getattr(module, "isinstance_of", None)
            answer = fn(value, name) if fn is not None else None
            if answer is not None:
                return answer
        return None

    def as_model(self, value):
        """A model object (with .graph()) for a value that is one, else None."""
        for module in self.modules:
            fn = getattr(module, "as_model", None)
            model = fn(value) if fn is not None else None
            if model is not None:
                return model
        return None

    def model_classes(self, module_scope, module):
        """Classes defined in a module that build models when instantiated."""
        out = []
        for name, value in module_scope.vars.items():
            if isinstance(value, Class) and value.module is module and any(
                    getattr(m, "is_model_class", lambda c: False)(value) for m in self.modules):
                out.append((name, value))
        return out

    def external_super(self, interp, self_value, base: str, name: str):
        """super().name resolved in an external base class (nn.Module.__init__, ...)."""
        return self._first("external_super", interp, self_value,
                           self._named(canonical(base)), name)

    def super_proxy(self, interp, args, node):
        frame = interp.frames[-1] if interp.frames else None
        if frame is None or frame[0].owner is None:
            return Unknown("super() outside a method")
        func, scope = frame
        params = func.node.params.params
        if not params:
            return Unknown("super() without self")
        try:
            self_value = scope.lookup(params[0].name.value)
        except KeyError:
            return Unknown("super() without self")
        return SuperProxy(func.owner, self_value)


@dataclass
class State:
    """What one analysis creates: Keras names and models, torch forward logs and inputs."""
    uids: dict = field(default_factory=dict)  # Keras layer name prefix -> how many made
    models: list = field(default_factory=list)  # every Keras model object made, in order
    torch_log: list | None = None  # application nodes of the forward pass being read
    op_log: list | None = None  # torch_op_log.OpCall of the forward pass being read
    observed_inputs: dict = field(default_factory=dict)  # id(module) -> Shape it was called on
    # id(module) -> where the file built the tensor it was called on (TorchTensor.shape_at)
    observed_places: dict = field(default_factory=dict)
    observed_lines: dict = field(default_factory=dict)  # id(module) -> (path, line) of that call
    observed_fed: dict = field(default_factory=dict)  # id(module) -> (fed_at, dropped_reshape)
    # id(module) -> the tensor a reshape made its input from (TorchTensor.reshaped_from)
    observed_reshaped: dict = field(default_factory=dict)
    # id(module) -> (made_by, made_at) of the tensor it was called on, a layer's output
    observed_made: dict = field(default_factory=dict)
    # id(module) -> where the script wrote its input's trailing sizes, and its channels
    # (sizes_at, channels_at: torch_size_written)
    observed_sizes: dict = field(default_factory=dict)
    # id(module) -> (positional, keywords): the further arguments of the script's call
    # forward(a, b, ..., k=v), torch_modules._further_inputs
    observed_rest: dict = field(default_factory=dict)
    # id(module) -> the PIL call that made the image its input was read from, with the mode
    # and where the bands are (TorchTensor.bands_from: torch_image_bands)
    observed_bands: dict = field(default_factory=dict)
    # id(instance) -> a user's nn.Module instance the script calls, which the analysis reads
    # like the file's variables' models even when no name holds it (`Net()(x)`)
    observed_models: dict = field(default_factory=dict)
    partial_learning: object = None  # torch_partial.Learning of the forward() being read
    # Findings at a model's edges (data, labels, losses), met while the file runs; the
    # analysis reports those whose path is the file's own.
    findings: list = field(default_factory=list)
    torch_records: list = field(default_factory=list)  # every torch ModuleRecord made
    cat_log: list | None = None  # torch_size_fit.CatCall of the forward pass being read
    # id() of the torch layers an explicit .train() put in training mode, no .eval() since
    training_layers: set = field(default_factory=set)

    def unique_name(self, prefix: str) -> str:
        """Keras's name for the next layer or model of this prefix (dense, dense_1, ...)."""
        count = self.uids.get(prefix, 0)
        self.uids[prefix] = count + 1
        return prefix if count == 0 else f"{prefix}_{count}"


# functions that read a list of tensors (torch.cat, torch.stack, torch.tensor, ...)
_LIST_READERS = ("torch.",)


def _unread_if_tainted(interp, value):
    if isinstance(value, (list, dict, set)) and interp.is_tainted(value):
        return Unknown("a container changed under an undecided condition or in a loop of "
                       "unknown length")
    return value


def record_finding(interp, code, node, message: str, data: dict | None = None) -> None:
    """A diagnostic found outside any model graph, at the node where the interpreter met it.
    Findings under an undecided condition are dropped: edges are reported only when certain."""
    if interp.uncertain:
        return
    from ..domain.codes import Diagnostic
    path, line, col = interp.position(node)
    if path:
        interp.state.findings.append(Diagnostic(code, line, col, message, data or {}, path))


_SHARED_FIELDS = frozenset({"cls", "interp", "rule", "module", "node", "scope"})


def clone(value, deep: bool, memo: dict | None = None):
    """copy.copy / copy.deepcopy of the values the interpreter builds (new identities, so a
    deep-copied module's parameters count again, as torch's do)."""
    import copy as pycopy
    memo = {} if memo is None else memo
    if id(value) in memo:
        return memo[id(value)]
    if isinstance(value, dict):
        out = {}
        memo[id(value)] = out
        out.update({k: clone(v, deep, memo) if deep else v for k, v in value.items()})
        return out
    if isinstance(value, (list, tuple)):
        items = [clone(v, deep, memo) if deep else v for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, (Unknown, Ref, Class)) or not hasattr(value, "__dataclass_fields__") \
            or value.__dataclass_params__.frozen:
        return value  # immutable, or shared by design (classes, functions, external names)
    out = pycopy.copy(value)
    memo[id(value)] = out
    for name in value.__dataclass_fields__:
        inner = getattr(value, name)
        if name in _SHARED_FIELDS:
            continue
        if deep:
            setattr(out, name, clone(inner, True, memo))
        elif isinstance(inner, (list, dict)):  # copy.copy copies __dict__ one level down
            setattr(out, name, type(inner)(inner))
    return out


class SuperProxy:
    """super(): attribute lookup in the classes after `owner` in self's class order."""

    def __init__(self, owner: Class, self_value):
        self.owner, self.self_value = owner, self_value

    def shapelint_attribute(self, interp, name):
        cls = self.self_value.cls if isinstance(self.self_value, Instance) else self.owner
        mro = cls.mro()
        after = mro[mro.index(self.owner) + 1:] if self.owner in mro else []
        for c in after:
            if name in c.namespace:
                return interp.bind_attribute(c.namespace[name], self.self_value, cls)
        for c in ([self.owner] if self.owner in mro else []) + after:  # external bases
            for base in c.bases:
                if isinstance(base, Ref):
                    found = interp.frameworks.external_super(interp, self.self_value,
                                                             base.qualname, name)
                    if found is not NotImplemented:
                        return found
        if name == "__init__":
            return _NoOp()
        # object's own, under a class that overrides them (transformers' attribute_map)
        if name == "__getattribute__" and isinstance(self.self_value, Instance):
            return Builtin("object.__getattribute__", lambda i, a, k, n: (
                i.instance_attribute(self.self_value, a[0]) if len(a) == 1 and
                isinstance(a[0], str) else Unknown("object.__getattribute__ arguments")))
        if name == "__setattr__" and isinstance(self.self_value, Instance):
            return Builtin("object.__setattr__", lambda i, a, k, n: (
                i.set_instance_attribute(self.self_value, a[0], a[1]) if len(a) == 2 and
                isinstance(a[0], str) else i.lost_write(a[-1] if a else None,
                                                        "an attribute of unknown name")))
        return Unknown(f"super().{name} is outside the analysis")


class _NoOp:
    def shapelint_call(self, interp, args, kwargs, node):
        return None


__all__ = ["Frameworks", "canonical", "BoundMethod"]
