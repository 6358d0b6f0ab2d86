"""Data a PyTorch training script draws: torchvision.datasets (their documented image sizes and
lengths), torchvision.transforms (what each does to an image's shape), torch.utils.data's
TensorDataset and DataLoader (default collation: a batch axis in front, Python ints as int64).
Modelled from torchvision's documentation and sources, never imported: the lint path imports
neither torch nor torchvision. A DataLoader iterates as a Repeated batch (interpreter/values.py):
every batch has one form, the batch axis symbolic unless every batch is certainly full."""
from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ..domain.codes import SHP106
from ..domain.dims import Sym, Unknown, is_known
from ..domain.shapes import Shape
from ..interpreter.values import Repeated
from . import torch_provenance as provenance
from .pil_images import Image
from .torch_last_batch import LoaderBatch, runs_every_batch, runs_first_batch_only
from .torch_values import TorchTensor

BATCH = Sym("N")  # the batch axis of a loader whose last batch may be smaller

# name: (samples per split, image channels, height, width). Sources: torchvision/datasets/
# mnist.py (MNIST, FashionMNIST, KMNIST: 28x28 grayscale, 60000 train / 10000 test; a sample is
# Image.fromarray(img, mode="L") and int(target)); cifar.py (CIFAR10/100: 32x32 RGB, 50000 /
# 10000); svhn.py (32x32 RGB, train 73257 / test 26032 / extra 531131); stl10.py (96x96 RGB
# read as np.reshape(data, (-1, 3, 96, 96)), train 5000 / test 8000 / unlabeled 100000).
DATASETS = {
    "MNIST": ({"train": 60000, "test": 10000}, 1, 28, 28),
    "FashionMNIST": ({"train": 60000, "test": 10000}, 1, 28, 28),
    "KMNIST": ({"train": 60000, "test": 10000}, 1, 28, 28),
    "CIFAR10": ({"train": 50000, "test": 10000}, 3, 32, 32),
    "CIFAR100": ({"train": 50000, "test": 10000}, 3, 32, 32),
    "SVHN": ({"train": 73257, "test": 26032, "extra": 531131}, 3, 32, 32),
    "STL10": ({"train": 5000, "test": 8000, "unlabeled": 100000, "train+unlabeled": 105000},
              3, 96, 96),
}
# Each constructor's positional parameters after root (torchvision's signatures).
PARAMETERS = {"MNIST": ("train", "transform", "target_transform", "download"),
              "SVHN": ("split", "transform", "target_transform", "download"),
              "STL10": ("split", "folds", "transform", "target_transform", "download"),
              "ImageFolder": ("transform", "target_transform", "loader", "is_valid_file")}
for _name in ("FashionMNIST", "KMNIST", "CIFAR10", "CIFAR100"):
    PARAMETERS[_name] = PARAMETERS["MNIST"]
# Transforms that keep an image's size and kind (flips, colour, rotation without expand,
# blur, erasing, ...): torchvision.transforms' documentation.
KEEPING = frozenset((
    "RandomHorizontalFlip", "RandomVerticalFlip", "ColorJitter", "RandomGrayscale",
    "GaussianBlur", "RandomInvert", "RandomPosterize", "RandomSolarize", "RandomAdjustSharpness",
    "RandomAutocontrast", "RandomEqualize", "RandomAffine", "RandomPerspective",
    "AutoAugment", "RandAugment", "TrivialAugmentWide", "AugMix", "RandomErasing",
    "Identity"))


@dataclass(frozen=True)
class Scalar:
    """A Python number in a sample (a class index): default_collate stacks it as int64/float64."""
    dtype: str


@dataclass(frozen=True)
class Fault:
    """A transform that raises on the sample it gets: reported where a sample is drawn."""
    node: object  # the transform's constructor call
    message: str
    data: dict


def _size_pair(size):
    """Resize/crop `size`: an int or a one- or two-item sequence, as (h, w) or None."""
    if isinstance(size, (list, tuple)) and len(size) in (1, 2):
        size = tuple(size) * (3 - len(size))
        return size if all(is_known(s) and not isinstance(s, bool) for s in size) else None
    if is_known(size) and isinstance(size, int) and not isinstance(size, bool):
        return size, size
    return None


def _resized(h, w, size, max_size):
    """transforms.Resize's output (h, w): functional._compute_resized_output_size."""
    if isinstance(size, (list, tuple)) and len(size) == 2:
        return _size_pair(size)
    pair = _size_pair(size)
    if pair is None or not (is_known(h) and is_known(w)):
        return None
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = pair[0], int(pair[0] * long / short)
    if max_size is not None:
        if not is_known(max_size) or max_size <= new_short:
            return None
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    return (new_long, new_short) if w <= h else (new_short, new_long)


@dataclass(frozen=True)
class Transform:
    """One torchvision transform (or a Compose of them), applied to an Image or a tensor."""
    kind: str
    arguments: dict
    node: object = None
    steps: tuple = ()  # Compose
    at: tuple | None = None  # (path, line, col) of its call, where a Resize writes a size

    def shapelint_call(self, interp, args, kwargs, node):
        return apply(self, args[0]) if len(args) == 1 and not kwargs else \
            Unknown(f"{self.kind}() applied to arguments shapelint does not read")


def _dims(image):
    """(kind, channels, height, width) of an image or a (C, H, W) tensor, else None."""
    if isinstance(image, Image):
        return "pil", image.channels, image.height, image.width
    if isinstance(image, TorchTensor) and image.shape.known_rank and len(image.shape.dims) == 3:
        return ("tensor",) + tuple(image.shape.dims)
    return None


def _remade(image, channels, height, width, dtype=None):
    if isinstance(image, Image):
        return Image(channels, height, width)
    return TorchTensor(Shape((channels, height, width)), dtype=dtype or image.dtype)


_SIZING = frozenset({"Resize", "CenterCrop", "RandomResizedCrop", "RandomCrop"})


def apply(transform: Transform, image):
    """The image a transform makes of `image`: an Image, a tensor, a Fault, or Unknown."""
    if isinstance(image, (Fault, Unknown)):
        return image
    if transform.kind == "Compose":
        sized = None  # the last step that wrote the size the images keep (torch_size_written)
        for step in transform.steps:
            before = _dims(image)
            image = step.shapelint_call(None, (image,), {}, None) if isinstance(
                step, Transform) else Unknown("a transform shapelint does not model")
            after = _dims(image)
            if after is None or before is None or after[2:] != before[2:]:
                sized = (step.at, after[2:]) if after is not None and step.kind in _SIZING \
                    and step.at and all(is_known(d) for d in after[2:]) else None
        if sized is not None and isinstance(image, TorchTensor):
            provenance.wrote_sizes(image, sized[0], sized[1])
        return image
    dims = _dims(image)
    if dims is None:
        return Unknown(f"{transform.kind} of an image shapelint cannot read")
    kind, c, h, w = dims
    a = transform.arguments
    name = transform.kind
    if name in KEEPING:
        return image
    if name in ("ToTensor", "PILToTensor", "ToImage", "ToImageTensor"):
        if kind != "pil":  # ToTensor of a tensor raises TypeError; v2's pass it through
            return image if name.startswith("ToImage") else Unknown(f"{name} of a tensor")
        return TorchTensor(Shape((c, h, w)), dtype="float32" if name == "ToTensor" else "uint8")
    if name in ("ConvertImageDtype", "ToDtype"):  # the size stays; the dtype is the one given
        return image if kind == "pil" else TorchTensor(image.shape)
    if name == "ToPILImage":
        return Image(c, h, w) if kind == "tensor" else Unknown("ToPILImage of an image")
    if name == "Grayscale":
        n = a.get("num_output_channels", 1)
        if kind == "tensor" and c != 3 and n == 3:  # a tensor's gray image is expanded to its
            return Unknown("Grayscale(3) of a tensor that is not RGB")  # own shape
        return _remade(image, n, h, w) if n in (1, 3) else Unknown("Grayscale channels")
    if name == "Resize":  # an int keeps the aspect ratio, which an image of unknown size hides
        out = _resized(h, w, a.get("size"), a.get("max_size")) or (
            Unknown("the height Resize gives"), Unknown("the width Resize gives"))
        return _remade(image, c, *out)
    if name in ("CenterCrop", "RandomResizedCrop", "RandomCrop"):
        # CenterCrop pads an image smaller than the crop; RandomCrop raises on one (unless
        # pad_if_needed): whatever runs on has the crop's size
        out = _size_pair(a.get("size"))
        return _remade(image, c, *out) if out else Unknown(f"{name} to a size not known")
    if name == "Normalize":
        return _normalized(transform, image, kind, c)
    return Unknown(f"transforms.{name} is not modelled")


def _normalized(transform, image, kind, c):
    """Normalize: shape-preserving on a tensor; its mean and std of k values broadcast as
    (k, 1, 1) onto the (C, H, W) image in place, which torch refuses unless k is 1 or C."""
    if kind != "tensor":
        return Unknown("Normalize of a PIL image (torchvision raises TypeError)")
    for which in ("mean", "std"):
        values = transform.arguments.get(which)
        if isinstance(values, (list, tuple)) and is_known(c) and len(values) not in (1, c):
            k, (_, h, w) = len(values), image.shape.dims
            return Fault(transform.node, (
                f"Normalize has {k} {which} values for images of {c} channel"
                f"{'s' if c != 1 else ''} {(c, h, w)}: torch raises \"output with shape "
                f"[{c}, {h}, {w}] doesn't match the broadcast shape [{k}, {h}, {w}]\" when a "
                f"sample is drawn"), {"channels": c, f"{which}_values": k})
    return image


# -- datasets ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Dataset:
    """A map-style dataset: its length (int or Unknown) and one sample's form (a tuple; the
    values of a dict whose keys are `keys`, when __getitem__ returns a dict)."""
    name: str
    length: object
    sample: tuple
    nonempty: bool
    keys: tuple | None = None

    def form(self, fields):
        """fields (one per sample field) in the sample's own form: a dict, or a tuple."""
        return dict(zip(self.keys, fields)) if self.keys is not None else tuple(fields)

    def shapelint_len(self, interp):
        return self.length

    def shapelint_getitem(self, interp, key):
        if isinstance(key, int) and not isinstance(key, bool):
            return self.form(_readable(v) for v in self.sample)
        return Unknown(f"{self.name}[...] of a key shapelint does not read")

    def shapelint_attribute(self, interp, name):
        return Unknown(f"{self.name}.{name} is outside the analysis")


_DATASET_BASES = ("torch.utils.data.Dataset", "torch.utils.data.dataset.Dataset")


def user_dataset(interp, value, node, by_int: bool = False):
    """A map-style Dataset the file defines (a subclass of torch.utils.data.Dataset) read as
    its samples: __getitem__ called on an index the analysis does not know, so a field whose
    shape depends on the index is unknown and one that does not is the same for every sample;
    __len__ when it returns a number. None unless __getitem__ returns a tuple (the (x, y) pair
    a loader collates field by field) or a dict of string keys (collated key by key). by_int:
    the loader draws indices with its default sampler (SequentialSampler / RandomSampler yield
    ints of range(len(dataset))), so the index
    is an int whose value is not known: `self.features[index]` drops the first axis."""
    from ..interpreter.values import Instance
    from . import canonical
    if not isinstance(value, Instance) or not any(
            canonical(b) in _DATASET_BASES for b in value.cls.framework_bases()):
        return None
    try:
        getitem = value.cls.lookup("__getitem__")
    except KeyError:
        return None
    index = Sym("index") if by_int else Unknown("a sample index")
    sample = interp.call(interp.bind_attribute(getitem, value, value.cls), (index,), {}, node)
    keys = tuple(sample) if isinstance(sample, dict) and all(
        isinstance(k, str) for k in sample) else None
    if keys is not None:
        sample = tuple(sample.values())
    if not isinstance(sample, tuple) or not sample:
        return None
    try:
        length = interp.call(interp.bind_attribute(value.cls.lookup("__len__"), value,
                                                   value.cls), (), {}, node)
    except KeyError:
        length = Unknown("a dataset without __len__")
    if not (isinstance(length, int) and not isinstance(length, bool) and length >= 0):
        length = Unknown("the length of a dataset shapelint cannot read")
    fields = tuple(Scalar("int64") if isinstance(v, int) and not isinstance(v, bool) else
                   Scalar("float64") if isinstance(v, float) else v for v in sample)
    at = _returned_at(interp, getitem)
    for field in fields:
        if isinstance(field, TorchTensor) and at is not None:
            field.sampled_at = at
    return Dataset(value.cls.name, length, fields, is_known(length) and length > 0, keys)


class _Returns(cst.CSTVisitor):
    """The return statements of one function, not of the functions and classes in it."""

    def __init__(self):
        self.found = []

    def visit_Return(self, node):
        self.found.append(node)

    def visit_FunctionDef(self, node):
        return False

    def visit_ClassDef(self, node):
        return False

    def visit_Lambda(self, node):
        return False


def _returned_at(interp, getitem) -> tuple | None:
    """(path, line, col) of the one return statement of a Dataset's __getitem__: the statement
    that makes each sample, where a sample's missing axis is added (`img.unsqueeze(0)`)."""
    node = getattr(getitem, "node", None)
    if not isinstance(node, cst.FunctionDef):
        return None
    returns = _Returns()
    node.body.visit(returns)
    if len(returns.found) != 1:
        return None
    path, line, col = interp.position_in(getitem.module, returns.found[0])
    return (path, int(line), int(col)) if path and int(line) else None


def _readable(value):
    if isinstance(value, (Image, Scalar, Fault)):
        return Unknown(f"a sample's {type(value).__name__.lower()}")
    return value


def _bound(name, args, kwargs, parameters):
    """root and the named arguments of a dataset constructor, or None past its signature."""
    args = args[1:] if args else ()
    if len(args) > len(parameters):
        return None
    return {**dict(zip(parameters, args)), **kwargs}


def vision_dataset(name: str, args, kwargs, at=None):
    """torchvision.datasets.<name>(root, ...): each sample (image after transform, class)."""
    bound = _bound(name, args, kwargs, PARAMETERS.get(name, ()))
    if bound is None:
        return Unknown(f"datasets.{name} with arguments shapelint does not read")
    if name == "ImageFolder":
        # default_loader converts every file to RGB; no class folder, or an empty one, raises
        image = Image(3, Unknown("ImageFolder image height"), Unknown("ImageFolder image width")) \
            if bound.get("loader") is None else Unknown("a custom image loader")
        length, nonempty = Unknown("files in the folder"), not bound.get("allow_empty")
    else:
        splits, channels, height, width = DATASETS[name]
        train = bound.get("train", True)
        split = bound.get("split", "train") if "split" in PARAMETERS[name] else \
            ("train" if train else "test") if isinstance(train, bool) else None
        if bound.get("folds") is not None or split is not None and split not in splits:
            return Unknown(f"datasets.{name} split not known")
        # a split the analysis cannot read: every split has these images, its length differs
        length = splits[split] if split is not None else Unknown(f"{name} split not known")
        image, nonempty = Image(channels, height, width), True
    transform = bound.get("transform")
    if isinstance(transform, Transform):
        image = apply(transform, image)
    elif transform is not None:
        image = Unknown("a transform shapelint does not model")
    if isinstance(image, TorchTensor) and image.shape.known_rank and at and \
            getattr(image, "sizes_at", None) is None and \
            all(is_known(d) for d in image.shape.dims[1:]):  # the dataset's own size, kept
        provenance.wrote_sizes(image, at, image.shape.dims[1:], "dataset")
        if isinstance(transform, Transform) and transform.at:  # they keep it: a Resize goes
            image.sizes_at = (*image.sizes_at, tuple(transform.at[:3]))  # there
    if name == "ImageFolder" and isinstance(image, TorchTensor) and image.shape.known_rank and \
            image.shape[0] == 3 and bound.get("loader") is None:  # RGB from the loader, kept:
        made = "transforms" if isinstance(transform, Transform) else "dataset"
        at = transform.at if made == "transforms" else at  # where a Grayscale() goes
        if at:
            image.channels_at = (*at[:3], tuple(image.shape.dims), made, name)
    elif name in DATASETS and isinstance(image, TorchTensor) and image.shape.known_rank and \
            image.shape.rank == 3 and image.shape[0] in (1, 3):
        # the dataset's own channels (grayscale or RGB), or what its transforms made of them:
        # where a transforms.Grayscale(...) goes, or the dataset call when it has none
        made = "transforms" if isinstance(transform, Transform) else "dataset"
        at = transform.at if made == "transforms" else at
        if at:
            image.channels_at = (*at[:3], tuple(image.shape.dims), made, name)
    label = Scalar("int64") if bound.get("target_transform") is None else \
        Unknown("a target_transform")
    return Dataset(name, length, (image, label), nonempty)


def tensor_dataset(args, kwargs):
    """TensorDataset(*tensors): sample i is each tensor's row i."""
    if kwargs or not args or not all(isinstance(t, TorchTensor) and t.shape.known_rank and
                                     t.shape.dims for t in args):
        return Unknown("TensorDataset of values shapelint cannot read")
    n = args[0].shape.dims[0]
    if not all(t.shape.dims[0] == n for t in args):  # torch asserts "Size mismatch"
        return Unknown("TensorDataset of tensors of different lengths")
    return Dataset("TensorDataset", n, tuple(_row(t) for t in args), is_known(n) and n > 0)


def _row(tensor):
    """One sample of a TensorDataset: the tensor's row, drawn_at the line that wrote the
    tensor's shape (its rank and trailing sizes are every batch's: torch_loss_places)."""
    row = TorchTensor(Shape(tensor.shape.dims[1:]), dtype=tensor.dtype)
    row.drawn_at = tensor.shape_at
    return row


# -- the loader ----------------------------------------------------------------------------

LOADER_PARAMETERS = ("dataset", "batch_size", "shuffle", "sampler", "batch_sampler",
                     "num_workers", "collate_fn", "pin_memory", "drop_last")


@dataclass(frozen=True)
class Loader:
    """torch.utils.data.DataLoader over a Dataset with default collation."""
    dataset: Dataset
    batch_size: object
    drop_last: bool
    sampled: bool  # a sampler chooses the indices: how many is not known
    at: tuple | None = None  # (path, line, col) of the DataLoader(...) call: where drop_last goes

    def _count(self):
        n = self.dataset.length
        if self.sampled or not is_known(n) or not is_known(self.batch_size):
            return Unknown("batches of a DataLoader")
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def shapelint_len(self, interp):
        return self._count()

    def shapelint_attribute(self, interp, name):
        if name == "dataset":
            return self.dataset
        if name == "batch_size":
            return self.batch_size
        return Unknown(f"DataLoader.{name} is outside the analysis")

    def shapelint_repeat(self, interp, node):
        """Its batches: drawing one reports a transform that raises on every sample."""
        for value in self.dataset.sample:
            if isinstance(value, Fault) and interp is not None:
                from . import record_finding
                _, line, _ = interp.position(node) if node is not None else (None, 0, None)
                line = int(line)
                record_finding(interp, SHP106, value.node, value.message + (
                    f" (at line {line})" if line else "") + "; give one value per channel",
                    {**value.data, **({"seen_at_line": line} if line else {})})
        n, size = self.dataset.length, self.batch_size
        count = self._count()
        if is_known(count):
            if count == 0:
                return Repeated(Unknown("no batch"), False)
            full = self.drop_last or n % size == 0 or (count > 1 and runs_first_batch_only(node))
            batch = size if full else n if count == 1 else LoaderBatch(
                BATCH.name, size, n % size, n, self.at) if runs_every_batch(node) else BATCH
        else:
            batch = size if self.drop_last else BATCH
        nonempty = (is_known(count) and count > 0) or (
            not self.sampled and not self.drop_last and self.dataset.nonempty)
        # default_collate batches a dict sample key by key: a dict of batched fields
        fields = collate(self.dataset.sample, batch)
        keys = self.dataset.keys
        return Repeated(dict(zip(keys, fields)) if keys is not None else fields, nonempty)


def collate(sample: tuple, batch):
    """default_collate of samples of this form: a list of stacked fields."""
    out = []
    for value in sample:
        if isinstance(value, TorchTensor) and value.shape.known_rank:
            out.append(TorchTensor(Shape((batch,) + tuple(value.shape.dims)), dtype=value.dtype))
            provenance.keep_sizes(value, out[-1])
            out[-1].drawn_at = getattr(value, "drawn_at", None)
            out[-1].sampled_at = getattr(value, "sampled_at", None)
        elif isinstance(value, Scalar):
            out.append(TorchTensor(Shape((batch,)), dtype=value.dtype))
        else:  # a PIL image does not collate (TypeError); an unknown field is unknown
            out.append(Unknown("a batch field shapelint cannot read"))
    return out


def data_loader(args, kwargs, interp=None, node=None):
    bound = {**dict(zip(LOADER_PARAMETERS, args)), **kwargs}
    dataset = bound.get("dataset")
    if interp is not None and not isinstance(dataset, Dataset):
        dataset = user_dataset(interp, dataset, node, by_int=all(
            bound.get(k) is None for k in ("sampler", "batch_sampler"))) or dataset
    if len(args) > len(LOADER_PARAMETERS) or not isinstance(dataset, Dataset) or \
            any(bound.get(k) is not None for k in ("batch_sampler", "collate_fn")):
        return Unknown("a DataLoader shapelint cannot read")
    size, drop_last = bound.get("batch_size", 1), bound.get("drop_last", False)
    if not (isinstance(size, int) and not isinstance(size, bool) and size > 0) or \
            not isinstance(drop_last, bool):
        return Unknown("a DataLoader of a batch size shapelint cannot read")
    at = interp.position(node) if interp is not None and node is not None else None
    return Loader(dataset, size, drop_last, bound.get("sampler") is not None,
                  tuple(at) if at and at[0] and at[1] else None)


# -- names ---------------------------------------------------------------------------------

TRANSFORM_PARAMETERS = {"Resize": ("size", "interpolation", "max_size", "antialias"),
                        "CenterCrop": ("size",), "RandomResizedCrop": ("size",),
                        "RandomCrop": ("size", "padding", "pad_if_needed"),
                        "Grayscale": ("num_output_channels",),
                        "Normalize": ("mean", "std", "inplace"), "Compose": ("transforms",)}


def call(interp, name: str, args, kwargs, node):
    """The data objects above by canonical name; NotImplemented for any other name."""
    parts = name.split(".")
    last = parts[-1]
    if parts[0] == "torchvision" and len(parts) >= 3 and parts[1] == "datasets":
        if last in DATASETS or last == "ImageFolder":
            return vision_dataset(last, tuple(args), dict(kwargs),
                                  interp.position(node) if interp is not None else None)
        return Unknown(f"torchvision.datasets.{last} is not modelled")
    if parts[0] == "torchvision" and len(parts) >= 3 and parts[1] == "transforms":
        bound = {**dict(zip(TRANSFORM_PARAMETERS.get(last, ()), args)), **kwargs}
        if last == "Compose":
            steps = bound.get("transforms")
            if not isinstance(steps, (list, tuple)):
                return Unknown("Compose of transforms shapelint cannot read")
            return Transform("Compose", {}, node, tuple(steps),
                             interp.position(node) if interp is not None else None)
        return Transform(last, bound, node,
                         at=interp.position(node) if interp is not None else None)
    if name in ("torch.utils.data.TensorDataset", "torch.utils.data.dataset.TensorDataset"):
        return tensor_dataset(tuple(args), dict(kwargs))
    if name in ("torch.utils.data.DataLoader", "torch.utils.data.dataloader.DataLoader"):
        return data_loader(tuple(args), dict(kwargs), interp, node)
    if name in ("tqdm.tqdm", "tqdm.auto.tqdm", "tqdm.notebook.tqdm") and args and \
            isinstance(args[0], Loader):
        return args[0]  # tqdm(loader) yields the loader's batches
    return NotImplemented
