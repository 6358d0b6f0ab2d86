"""Regenerate tests/data/torchvision_truth.json: the real parameter counts of torchvision
0.28.0's classifiers, built from the same source files shapelint reads.

    python tests/torchvision_truth.py /path/to/unpacked/torchvision-0.28.0-wheel

Beside each count, "flops": torch.utils.flop_counter.FlopCounterMode's total for one forward
pass of a batch of one at 224 x 224 (299 for Inception3), on the meta device.

torchvision's compiled ops do not load beside the CPU torch wheel ("operator torchvision::nms
does not exist"); the classifiers need none of them, so fake-kernel registration is made a
no-op before importing (ORACLES.md). Models are built on the meta device (no memory), or on the
CPU where a constructor reads tensor values; Pillow is needed by torchvision's import chain.
"""
from __future__ import annotations

import json
import pathlib
import sys

ENTRIES = {
    "alexnet.py": ["AlexNet()"],
    "vgg.py": [f"VGG(make_layers(cfgs[{c!r}], batch_norm={bn}))"
               for c in "ABDE" for bn in (False, True)],
    "resnet.py": [
        "ResNet(BasicBlock, [2, 2, 2, 2])", "ResNet(BasicBlock, [3, 4, 6, 3])",
        "ResNet(Bottleneck, [3, 4, 6, 3])", "ResNet(Bottleneck, [3, 4, 23, 3])",
        "ResNet(Bottleneck, [3, 8, 36, 3])",
        "ResNet(Bottleneck, [3, 4, 6, 3], groups=32, width_per_group=4)",
        "ResNet(Bottleneck, [3, 4, 23, 3], groups=32, width_per_group=8)",
        "ResNet(Bottleneck, [3, 4, 23, 3], groups=64, width_per_group=4)",
        "ResNet(Bottleneck, [3, 4, 6, 3], width_per_group=128)",
        "ResNet(Bottleneck, [3, 4, 23, 3], width_per_group=128)",
    ],
    "squeezenet.py": ["SqueezeNet('1_0')", "SqueezeNet('1_1')"],
    "densenet.py": ["DenseNet(32, (6, 12, 24, 16), 64)", "DenseNet(48, (6, 12, 36, 24), 96)",
                    "DenseNet(32, (6, 12, 32, 32), 64)", "DenseNet(32, (6, 12, 48, 32), 64)"],
    "mobilenetv2.py": ["MobileNetV2()"],
    "googlenet.py": ["GoogLeNet(init_weights=False)"],
    "inception.py": ["Inception3(init_weights=False)"],
    "shufflenetv2.py": [f"ShuffleNetV2([4, 8, 4], {c})" for c in (
        [24, 48, 96, 192, 1024], [24, 116, 232, 464, 1024], [24, 176, 352, 704, 1024],
        [24, 244, 488, 976, 2048])],
    "mnasnet.py": [f"MNASNet({a})" for a in (0.5, 0.75, 1.0, 1.3)],
    "mobilenetv3.py": ["mobilenet_v3_large()", "mobilenet_v3_small()"],
    "efficientnet.py": [f"efficientnet_b{i}()" for i in range(8)] + [
        f"efficientnet_v2_{s}()" for s in "sml"],
    "convnext.py": [f"convnext_{s}()" for s in ("tiny", "small", "base", "large")],
    "regnet.py": [f"regnet_{k}()" for k in ("y_400mf", "y_800mf", "y_1_6gf", "x_400mf",
                                            "x_800mf")],
    "vision_transformer.py": [f"vit_{k}()" for k in ("b_16", "b_32", "l_16", "l_32")],
    "swin_transformer.py": ["swin_t()", "swin_s()", "swin_v2_t()"],
    "maxvit.py": ["maxvit_t()"],
}


def _flops(model, file: str) -> int | None:
    import torch
    from torch.utils.flop_counter import FlopCounterMode
    size = 299 if file == "inception.py" else 224
    try:
        model = model.to("meta").eval()
        with FlopCounterMode(display=False) as counter, torch.no_grad():
            model(torch.zeros(1, 3, size, size, device="meta"))
    except Exception:  # noqa: BLE001 - a forward the meta device cannot run: no figure
        return None
    return counter.get_total_flops()


def main(root: str) -> None:
    sys.path.insert(0, root)
    import importlib

    import torch
    import torch.library

    torch.library.register_fake = lambda *a, **k: (lambda f: f)
    table = {}
    for file, entries in ENTRIES.items():
        module = importlib.import_module(f"torchvision.models.{file[:-3]}")
        for entry in entries:
            try:
                with torch.device("meta"):
                    model = eval(entry, vars(module))
                device = "meta"
            except Exception:  # noqa: BLE001 - constructors that read tensor values
                model, device = eval(entry, vars(module)), "cpu"
            table[f"{file}::{entry}"] = {"params": sum(p.numel() for p in model.parameters()),
                                         "device": device, "flops": _flops(model, file)}
            print(f"{file}::{entry}", table[f"{file}::{entry}"], flush=True)
    out = pathlib.Path(__file__).parent / "data" / "torchvision_truth.json"
    out.write_text(json.dumps(table, indent=1) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
