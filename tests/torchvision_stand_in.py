"""A stand-in `torchvision` for running case fixtures (tests/case_runtime.py): torchvision does
not import beside the CPU torch here (its compiled ops are built for CUDA) and the cases must
run offline. It is not torchvision: it keeps only what the cases' shapes depend on.

- datasets.MNIST / FashionMNIST / KMNIST / CIFAR10 / CIFAR100 / SVHN / STL10 hold SAMPLES
  all-zero images of the documented size and mode (MNIST family 28x28 "L", CIFAR and SVHN
  32x32 "RGB", STL10 96x96 "RGB"), each with the class index 0 (a Python int, as torchvision
  returns it); SAMPLES instead of 60000 keeps a whole epoch to three batches. ImageFolder
  holds SAMPLES 60x80 "RGB" images (its default loader converts every file to RGB; their
  size is the files', so a case resizes them).
- an image is a `Picture` (uint8 pixels (H, W, C), as PIL holds them); the transforms apply the
  documented shape change with real torch ops: ToTensor (H, W, C) uint8 -> (C, H, W) float32 in
  [0, 1], Resize (int: the shorter edge, keeping the aspect ratio; (h, w): both), CenterCrop
  (zero-padded when the image is smaller), Grayscale(num_output_channels), and Normalize exactly
  as torchvision computes it (`tensor.sub_(mean[:, None, None]).div_(std[:, None, None])` on a
  clone), so a mean of the wrong length raises torch's own error.
"""
from __future__ import annotations

import contextlib
import sys
import types

SAMPLES = 150
# name: (height, width, mode)
SIZES = {"MNIST": (28, 28, "L"), "FashionMNIST": (28, 28, "L"), "KMNIST": (28, 28, "L"),
         "CIFAR10": (32, 32, "RGB"), "CIFAR100": (32, 32, "RGB"), "SVHN": (32, 32, "RGB"),
         "STL10": (96, 96, "RGB"), "ImageFolder": (60, 80, "RGB")}


class Picture:
    """What a PIL image holds: uint8 pixels (H, W, C); mode "L" (C = 1) or "RGB" (C = 3)."""

    def __init__(self, pixels):
        self.pixels = pixels
        self.mode = "L" if pixels.shape[2] == 1 else "RGB"

    @property
    def size(self):  # PIL's (width, height)
        return self.pixels.shape[1], self.pixels.shape[0]


def _dataset(name):
    import torch
    height, width, mode = SIZES[name]

    class Dataset(torch.utils.data.Dataset):
        def __init__(self, root=None, train=True, transform=None, target_transform=None,
                     download=False, split=None, **_):
            self.transform, self.target_transform = transform, target_transform

        def __len__(self):
            return SAMPLES

        def __getitem__(self, index):
            image = Picture(torch.zeros(height, width, 1 if mode == "L" else 3,
                                        dtype=torch.uint8))
            target = 0
            if self.transform is not None:
                image = self.transform(image)
            if self.target_transform is not None:
                target = self.target_transform(target)
            return image, target
    Dataset.__name__ = name
    return Dataset


def _resized_size(height, width, size):
    """torchvision.transforms.functional._compute_resized_output_size without max_size."""
    if isinstance(size, (list, tuple)) and len(size) == 2:
        return list(size)
    requested = size if isinstance(size, int) else size[0]
    short, long = (width, height) if width <= height else (height, width)
    new_short, new_long = requested, int(requested * long / short)
    new_w, new_h = (new_short, new_long) if width <= height else (new_long, new_short)
    return [new_h, new_w]


def _picture(image):
    """A real PIL image (a script that opens a file) as the Picture of its pixels."""
    if hasattr(image, "getbands") and not isinstance(image, Picture):
        import numpy as np
        import torch
        pixels = np.array(image.convert("L" if image.mode == "L" else "RGB"), dtype=np.uint8)
        return Picture(torch.from_numpy(pixels.reshape(pixels.shape[0], pixels.shape[1], -1)))
    return image


def _on_pixels(image, fn):
    """fn over a (C, H, W) float tensor, for a Picture or a tensor image alike."""
    import torch
    image = _picture(image)
    if isinstance(image, Picture):
        out = fn(image.pixels.permute(2, 0, 1).float())
        return Picture(out.round().clamp(0, 255).to(torch.uint8).permute(1, 2, 0))
    return fn(image)


def _transforms():
    import torch
    import torch.nn.functional as F

    class Compose:
        def __init__(self, transforms):
            self.transforms = transforms

        def __call__(self, image):
            for t in self.transforms:
                image = t(image)
            return image

    class ToTensor:
        def __call__(self, image):
            image = _picture(image)
            if not isinstance(image, Picture):
                raise TypeError(f"pic should be PIL Image or ndarray. Got {type(image)}")
            return image.pixels.permute(2, 0, 1).float().div(255)

    class Resize:
        def __init__(self, size, interpolation=None, max_size=None, antialias=True):
            self.size = size

        def __call__(self, image):
            return _on_pixels(image, lambda x: F.interpolate(
                x[None], size=_resized_size(x.shape[1], x.shape[2], self.size))[0])

    class CenterCrop:
        def __init__(self, size):
            self.size = (size, size) if isinstance(size, int) else tuple(size) * (
                3 - len(size))

        def __call__(self, image):
            def crop(x):
                h, w = self.size
                pad_h, pad_w = max(h - x.shape[1], 0), max(w - x.shape[2], 0)
                x = F.pad(x, (pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2))
                top, left = (x.shape[1] - h) // 2, (x.shape[2] - w) // 2
                return x[:, top:top + h, left:left + w]
            return _on_pixels(image, crop)

    class Grayscale:
        def __init__(self, num_output_channels=1):
            self.n = num_output_channels

        def __call__(self, image):
            return _on_pixels(image, lambda x: x.mean(0, keepdim=True).repeat(self.n, 1, 1))

    class Normalize:
        def __init__(self, mean, std, inplace=False):
            self.mean, self.std = mean, std

        def __call__(self, tensor):
            if not isinstance(tensor, torch.Tensor):
                raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
            tensor = tensor.clone()
            mean = torch.as_tensor(self.mean, dtype=tensor.dtype)
            std = torch.as_tensor(self.std, dtype=tensor.dtype)
            tensor.sub_(mean.view(-1, 1, 1)).div_(std.view(-1, 1, 1))
            return tensor

    class RandomHorizontalFlip:
        def __init__(self, p=0.5):
            pass

        def __call__(self, image):
            return _on_pixels(image, lambda x: x.flip(-1))

    module = types.ModuleType("torchvision.transforms")
    for cls in (Compose, ToTensor, Resize, CenterCrop, Grayscale, Normalize,
                RandomHorizontalFlip):
        setattr(module, cls.__name__, cls)
    return module


@contextlib.contextmanager
def stand_in_torchvision():
    """`import torchvision` (and its datasets and transforms) gives the stand-in meanwhile."""
    root = types.ModuleType("torchvision")
    datasets = types.ModuleType("torchvision.datasets")
    for name in SIZES:
        setattr(datasets, name, _dataset(name))
    transforms = _transforms()
    root.datasets, root.transforms = datasets, transforms
    names = {"torchvision": root, "torchvision.datasets": datasets,
             "torchvision.transforms": transforms}
    saved = {name: sys.modules.get(name) for name in names}
    sys.modules.update(names)
    try:
        yield
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
