"""Build every keras.applications model Keras 3 builds on the torch backend and record
count_params() (and the non-trainable part) and the set of model.layers (a digest of the
names) in keras_applications_counts.json.

Run: KERAS_BACKEND=torch python tests/make_keras_applications_table.py
Building all 39 takes minutes and gigabytes, so the test reads the committed table instead.
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
import pathlib
import sys

os.environ.setdefault("KERAS_BACKEND", "torch")

BUILDERS = {
    "vgg16.py": ["VGG16"], "vgg19.py": ["VGG19"],
    "resnet.py": ["ResNet50", "ResNet101", "ResNet152"],
    "resnet_v2.py": ["ResNet50V2", "ResNet101V2", "ResNet152V2"],
    "inception_v3.py": ["InceptionV3"], "inception_resnet_v2.py": ["InceptionResNetV2"],
    "xception.py": ["Xception"], "mobilenet.py": ["MobileNet"],
    "mobilenet_v2.py": ["MobileNetV2"],
    "mobilenet_v3.py": ["MobileNetV3Small", "MobileNetV3Large"],
    "densenet.py": ["DenseNet121", "DenseNet169", "DenseNet201"],
    "nasnet.py": ["NASNetLarge"],
    "efficientnet.py": [f"EfficientNetB{i}" for i in range(8)],
    "efficientnet_v2.py": [f"EfficientNetV2{s}" for s in ("B0", "B1", "B2", "B3", "S", "M",
                                                          "L")],
    "convnext.py": [f"ConvNeXt{s}" for s in ("Tiny", "Small", "Base", "Large", "XLarge")],
}
TABLE = pathlib.Path(__file__).with_name("keras_applications_counts.json")


def layer_names(model) -> dict:
    """The set of layers model.layers holds, as its size and a digest of the sorted names
    (the names themselves would make this table a megabyte)."""
    return names_digest(layer.name for layer in model.layers)


def names_digest(names) -> dict:
    names = sorted(names)
    text = "\n".join(names).encode()
    return {"count": len(names), "sha256": hashlib.sha256(text).hexdigest()}


def main() -> None:
    import keras
    table = json.loads(TABLE.read_text()) if TABLE.exists() else {}
    only = set(sys.argv[1:])
    for builders in BUILDERS.values():
        for name in builders:
            if (only and name not in only) or "layers" in table.get(name, {}):
                continue
            keras.backend.clear_session()  # layer names as a fresh session gives them
            model = getattr(keras.applications, name)(weights=None)
            table[name] = {"total": model.count_params(),
                           "non_trainable": sum(int(w.numpy().size)
                                                for w in model.non_trainable_weights),
                           "layers": layer_names(model)}
            print(name, table[name], flush=True)
            del model
            keras.backend.clear_session()
            gc.collect()
            TABLE.write_text(json.dumps(dict(sorted(table.items())), indent=1) + "\n")
    table["_keras_version"] = keras.__version__
    TABLE.write_text(json.dumps(dict(sorted(table.items())), indent=1) + "\n")


if __name__ == "__main__":
    main()
