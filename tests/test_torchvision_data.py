"""torchvision datasets, transforms and DataLoader batches as shapelint models them
(frameworks/torchvision_data.py), against torch: sample shapes against the stand-in torchvision
the case runtime uses (tests/torchvision_stand_in.py, whose transforms are real torch ops), the
batch axis against torch's own DataLoader, and the loop over batches in whole scripts."""
from __future__ import annotations

import textwrap

import pytest

from shapelint.domain.dims import SymDim, is_known
from shapelint.domain.shapes import Shape
from shapelint.frameworks import torchvision_data as tv
from shapelint.frameworks.torch_values import TorchTensor
from shapelint.pipeline.analysis import analyse

torch = pytest.importorskip("torch")

TRANSFORMS = [
    [("ToTensor", (), {})],
    [("Resize", (64,), {}), ("ToTensor", (), {})],
    [("Resize", ((40, 24),), {}), ("ToTensor", (), {})],
    [("CenterCrop", (20,), {}), ("ToTensor", (), {})],
    [("CenterCrop", ((40, 10),), {}), ("ToTensor", (), {})],
    [("Grayscale", (), {"num_output_channels": 3}), ("ToTensor", (), {})],
    [("Grayscale", (), {}), ("Resize", (17,), {}), ("ToTensor", (), {}),
     ("Normalize", ((0.5,), (0.5,)), {})],
    [("ToTensor", (), {}), ("Resize", ((30, 31),), {}), ("CenterCrop", (29,), {})],
]


def static_transform(steps):
    made = [tv.call(None, f"torchvision.transforms.{name}", args, kwargs, None)
            for name, args, kwargs in steps]
    return tv.call(None, "torchvision.transforms.Compose", (made,), {}, None)


def runtime_transform(module, steps):
    return module.Compose([getattr(module, name)(*args, **kwargs)
                           for name, args, kwargs in steps])


@pytest.mark.parametrize("steps", TRANSFORMS, ids=lambda s: "+".join(n for n, _, _ in s))
@pytest.mark.parametrize("name", sorted(tv.DATASETS))
def test_sample_shape_matches_the_stand_in(name, steps):
    from torchvision_stand_in import stand_in_torchvision
    with stand_in_torchvision():
        import torchvision
        dataset = getattr(torchvision.datasets, name)(
            "data", transform=runtime_transform(torchvision.transforms, steps))
        image, label = dataset[0]
    made = tv.call(None, f"torchvision.datasets.{name}", ("data",),
                   {"transform": static_transform(steps)}, None)
    static_image, static_label = made.sample
    assert isinstance(static_image, TorchTensor)
    assert tuple(static_image.shape.dims) == tuple(image.shape)
    assert isinstance(label, int) and static_label == tv.Scalar("int64")


@pytest.mark.parametrize("n, size, drop_last", [(10, 4, False), (10, 4, True), (12, 4, False),
                                                (3, 4, False), (3, 4, True), (1, 1, False)])
def test_batch_axis_matches_torch_dataloader(n, size, drop_last):
    real = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.zeros(n, 3), torch.zeros(n, dtype=torch.long)),
        batch_size=size, drop_last=drop_last)
    sizes = {x.shape[0] for x, _ in real}
    dataset = tv.tensor_dataset((TorchTensor(Shape((n, 3))),
                                 TorchTensor(Shape((n,)), dtype="int64")), {})
    loader = tv.data_loader((dataset,), {"batch_size": size, "drop_last": drop_last})
    batches = loader.shapelint_repeat(None, None)
    assert batches.nonempty == bool(sizes)
    assert loader.shapelint_len(None) == len(real)
    if sizes:
        x, y = batches.item
        batch = x.shape.dims[0]
        assert (batch in sizes and len(sizes) == 1) if is_known(batch) else \
            isinstance(batch, SymDim) and len(sizes) > 1
        assert tuple(x.shape.dims[1:]) == (3,) and y.shape.dims == (batch,)


def findings(source):
    text = textwrap.dedent(source)
    return sorted((d.line, d.code.code) for d in analyse(text, "script.py").diagnostics()
                  if d.code.code.startswith(("SHP1", "SHP2")))


MNIST = """\
    import torch
    import torch.nn as nn
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms
    ds = datasets.MNIST("data", download=True, transform=transforms.ToTensor())
    loader = DataLoader(ds, batch_size=64)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    criterion = nn.CrossEntropyLoss()
"""


def test_a_loss_in_the_loop_is_judged_on_the_first_batch():
    assert findings(MNIST + """\
    for images, labels in loader:
        loss = criterion(model(images), labels.unsqueeze(1))
    """) == [(10, "SHP110")]


def test_what_the_loop_changes_is_unknown_after_it():
    # 938 batches, not one: a count kept by the loop is not 1 afterwards
    assert findings(MNIST + """\
    steps = 0
    for images, labels in loader:
        steps += 1
    loss = criterion(model(torch.zeros(steps, 784)), torch.zeros(938, dtype=torch.long))
    """) == []
    assert findings(MNIST + """\
    steps = 1
    loss = criterion(model(torch.zeros(steps, 784)), torch.zeros(938, dtype=torch.long))
    """) == [(10, "SHP110")]  # the same judgment, where the count is known


def test_enumerate_and_next_give_the_batch():
    assert findings(MNIST + """\
    for i, (images, labels) in enumerate(loader):
        out = model(images.view(images.size(0), -1)[:, :392])
    """) == [(7, "SHP101")]
    assert findings(MNIST + """\
    images, labels = next(iter(loader))
    loss = criterion(model(images), labels.float())
    """) == [(10, "SHP111")]


@pytest.mark.parametrize("steps, known", [
    ([("Resize", ((40, 24),), {}), ("ToTensor", (), {})], True),
    ([("Resize", (64,), {}), ("CenterCrop", (48,), {}), ("ToTensor", (), {})], True),
    ([("Resize", (64,), {}), ("ToTensor", (), {})], False),  # the aspect ratio is the files'
])
def test_image_folder_sizes_are_known_only_where_a_transform_fixes_them(steps, known):
    from torchvision_stand_in import stand_in_torchvision
    with stand_in_torchvision():
        import torchvision
        dataset = torchvision.datasets.ImageFolder(
            "images", transform=runtime_transform(torchvision.transforms, steps))
        image, _ = dataset[0]
    made = tv.call(None, "torchvision.datasets.ImageFolder", ("images",),
                   {"transform": static_transform(steps)}, None)
    dims = made.sample[0].shape.dims
    assert dims[0] == image.shape[0] == 3
    if known:
        assert tuple(dims) == tuple(image.shape)
    else:
        assert not any(is_known(d) for d in dims[1:])
