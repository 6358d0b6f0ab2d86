"""The long text of every rule page, keyed by code; docs/rules/SHPxxx.md are generated from it.

`python -m shapelint.rules.docs [DIR]` rewrites the pages (default docs/rules);
`shapelint explain CODE` prints one. tests/test_rule_docs.py fails when a page is stale and
runs every Example (it must raise its code) and Use instead (it must not).
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from ..domain.codes import REGISTRY

# The one place to change when the docs move; SARIF helpUri points here.
DOCS_BASE = "https://github.com/shapelint/shapelint/blob/main/docs/rules/"


@dataclass(frozen=True)
class RuleDoc:
    what: str
    why: str
    example: str = ""
    use_instead: str = ""
    known_problems: str = "None known."
    fix: str = "None."


def help_uri(code: str) -> str:
    return f"{DOCS_BASE}{code}.md"


DOCS: dict[str, RuleDoc] = {
    "SHP101": RuleDoc(
        what="Checks that a `Linear` (or `Dense` with a declared input width) receives a tensor "
             "whose last axis equals its `in_features`.",
        why="torch multiplies the last axis of the input by the weight matrix; when the widths "
            "differ the forward pass raises `mat1 and mat2 shapes cannot be multiplied`. The "
            "message gives the width received, both parameter counts, and, when the input is a "
            "feature map whose flattened size equals `in_features`, says that a flatten is "
            "missing. When the width depends on an unknown input size and no size can give "
            "`in_features`, that is reported here too.",
        example="import torch.nn as nn\n\n\n"
                "class Small(nn.Module):  # shapelint: input=(B, 1, 28, 28)\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.conv = nn.Conv2d(1, 8, 3, padding=1)\n"
                "        self.head = nn.Linear(1050, 10)\n\n"
                "    def forward(self, x):\n"
                "        x = self.conv(x).flatten(1)\n"
                "        return self.head(x)\n",
        use_instead="import torch.nn as nn\n\n\n"
                    "class Small(nn.Module):  # shapelint: input=(B, 1, 28, 28)\n"
                    "    def __init__(self):\n"
                    "        super().__init__()\n"
                    "        self.conv = nn.Conv2d(1, 8, 3, padding=1)\n"
                    "        self.head = nn.Linear(8 * 28 * 28, 10)\n\n"
                    "    def forward(self, x):\n"
                    "        x = self.conv(x).flatten(1)\n"
                    "        return self.head(x)\n",
        known_problems="The input size comes from `--input-shape`, a `# shapelint: input=...` "
                       "comment or a call in the same file; with none of them the width is "
                       "symbolic and only impossible widths are reported (see SHP303).",
        fix="When the input is a feature map whose flattened size already equals "
            "`in_features`, a **safe** fix flattens the input where the Linear is applied "
            "(`self.fc(torch.flatten(x, 1))`, or `x.flatten(1)` when the file does not import "
            "`torch`) or inserts `nn.Flatten()` before it in an `nn.Sequential`: the code "
            "crashes as written and afterwards runs with the numbers the author wrote. "
            "Otherwise an **unsafe** fix sets `in_features` to the width received; it is unsafe "
            "because the mistake may lie upstream (a kernel size, a stride, the input size), "
            "and the fix picks the number."),
    "SHP102": RuleDoc(
        what="Checks that convolutions and poolings leave every spatial dimension at least 1.",
        why="Each `valid` convolution or pooling shrinks the feature map; one too many leaves "
            "nothing to pool and the framework raises when the model is built.",
        example="from keras import Sequential, layers\n\n"
                "model = Sequential([\n"
                "    layers.Input(shape=(8, 8, 1)),\n"
                "    layers.Conv2D(16, 3),\n"
                "    layers.MaxPooling2D(),\n"
                "    layers.MaxPooling2D(),\n"
                "    layers.MaxPooling2D(),\n"
                "])\n",
        use_instead="from keras import Sequential, layers\n\n"
                    "model = Sequential([\n"
                    "    layers.Input(shape=(8, 8, 1)),\n"
                    "    layers.Conv2D(16, 3, padding=\"same\"),\n"
                    "    layers.MaxPooling2D(),\n"
                    "    layers.MaxPooling2D(),\n"
                    "    layers.MaxPooling2D(),\n"
                    "])\n"),
    "SHP103": RuleDoc(
        what="Checks that each layer receives a tensor of a rank it accepts.",
        why="`Conv2D` needs `(batch, height, width, channels)`; grayscale images given as "
            "`input_shape=(28, 28)` lack the channel axis and Keras raises when it builds the "
            "model.",
        example="from keras import Sequential, layers\n\n"
                "model = Sequential([\n"
                "    layers.Conv2D(32, 3, input_shape=(28, 28)),\n"
                "    layers.Flatten(),\n"
                "    layers.Dense(10),\n"
                "])\n",
        use_instead="from keras import Sequential, layers\n\n"
                    "model = Sequential([\n"
                    "    layers.Conv2D(32, 3, input_shape=(28, 28, 1)),\n"
                    "    layers.Flatten(),\n"
                    "    layers.Dense(10),\n"
                    "])\n"),
    "SHP104": RuleDoc(
        what="Checks that a reshape's target holds exactly as many elements as its input.",
        why="`Reshape((26, 26))` of a `(13, 13, 8)` feature map asks 1,352 values to fill 676 "
            "places; the framework raises.",
        example="from keras import Sequential, layers\n\n"
                "model = Sequential([\n"
                "    layers.Input(shape=(28, 28, 1)),\n"
                "    layers.Conv2D(8, 3),\n"
                "    layers.MaxPooling2D(),\n"
                "    layers.Reshape((26, 26)),\n"
                "])\n",
        use_instead="from keras import Sequential, layers\n\n"
                    "model = Sequential([\n"
                    "    layers.Input(shape=(28, 28, 1)),\n"
                    "    layers.Conv2D(8, 3),\n"
                    "    layers.MaxPooling2D(),\n"
                    "    layers.Reshape((13 * 13, 8)),\n"
                    "])\n"),
    "SHP105": RuleDoc(
        what="Checks layer arguments the framework rejects on construction: non-positive sizes, "
             "`groups` that do not divide the channels, strides combined with dilation, "
             "`dim`/`permute` orders that do not fit the tensor.",
        why="The framework raises when the layer is built or first called.",
        example="import torch.nn as nn\n\n\n"
                "class Grouped(nn.Module):  # shapelint: input=(B, 3, 8, 8)\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.conv = nn.Conv2d(3, 16, 3, groups=2)\n\n"
                "    def forward(self, x):\n"
                "        return self.conv(x)\n",
        use_instead="import torch.nn as nn\n\n\n"
                    "class Grouped(nn.Module):  # shapelint: input=(B, 4, 8, 8)\n"
                    "    def __init__(self):\n"
                    "        super().__init__()\n"
                    "        self.conv = nn.Conv2d(4, 16, 3, groups=2)\n\n"
                    "    def forward(self, x):\n"
                    "        return self.conv(x)\n"),
    "SHP106": RuleDoc(
        what="Checks that a layer's declared channel or feature count (`in_channels`, "
             "`num_features`, ...) equals the one it receives.",
        why="torch raises at the first forward pass: the weight expects one channel count and "
            "the input carries another.",
        example="import torch.nn as nn\n\n\n"
                "class TwoConvs(nn.Module):  # shapelint: input=(B, 3, 32, 32)\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.a = nn.Conv2d(3, 8, 3)\n"
                "        self.b = nn.Conv2d(16, 8, 3)\n\n"
                "    def forward(self, x):\n"
                "        return self.b(self.a(x))\n",
        use_instead="import torch.nn as nn\n\n\n"
                    "class TwoConvs(nn.Module):  # shapelint: input=(B, 3, 32, 32)\n"
                    "    def __init__(self):\n"
                    "        super().__init__()\n"
                    "        self.a = nn.Conv2d(3, 8, 3)\n"
                    "        self.b = nn.Conv2d(8, 8, 3)\n\n"
                    "    def forward(self, x):\n"
                    "        return self.b(self.a(x))\n"),
    "SHP107": RuleDoc(
        what="Reports a merge layer (`Add`, `Concatenate`, `Multiply`, ...) whose inputs cannot "
             "be combined: different shapes, or sizes that differ off the concatenation axis.",
        why="Keras raises when it builds the model; the message names both shapes so the "
            "branch that went wrong is visible before anything runs.",
        example="import keras\nfrom keras import layers\n\n"
                "a = keras.Input(shape=(8,))\n"
                "b = keras.Input(shape=(4,))\n"
                "model = keras.Model([a, b], layers.Add()([a, b]))\n",
        use_instead="import keras\nfrom keras import layers\n\n"
                    "a = keras.Input(shape=(8,))\n"
                    "b = keras.Input(shape=(4,))\n"
                    "model = keras.Model([a, b], layers.Add()([a, layers.Dense(8)(b)]))\n"),
    "SHP108": RuleDoc(
        what="Reports an `input_shape` that includes the batch dimension, e.g. "
             "`input_shape=(None, 28, 28, 1)` on a `Conv2D`.",
        why="Keras adds the batch axis itself, so the layer receives a tensor one rank too "
            "high and the model fails to build.",
        example="from keras import Sequential, layers\n\n"
                "model = Sequential([layers.Conv2D(8, 3, input_shape=(None, 28, 28, 1))])\n",
        use_instead="from keras import Sequential, layers\n\n"
                    "model = Sequential([layers.Conv2D(8, 3, input_shape=(28, 28, 1))])\n"),
    "SHP109": RuleDoc(
        what="Checks the arrays given to `fit`, `evaluate`, `predict`, `train_on_batch`, "
             "`test_on_batch` and `predict_on_batch` (and `validation_data`) against the "
             "model's inputs, when their shapes are visible in the file: `np.zeros/ones/"
             "random.*`, `np.array` literals, reshapes, slices, `keras.datasets.*.load_data()`, "
             "`train_test_split` and friends. Each input of a multi-input model is matched "
             "(list in order, dict by input name).",
        why="Keras raises ValueError on the first batch. The rank is compared as Keras 3 does "
            "(a trailing axis of size 1 is added or dropped for you); the sizes are compared "
            "by re-deriving the model with the data's shape: any layer whose weights would "
            "need another shape, or that rejects its input, fails at runtime. The message "
            "names both shapes and the likely fix: `input_shape=X.shape[1:]` when "
            "`input_shape` is the data's full shape (sample axis included), the order of "
            "timesteps and features for an LSTM, a channel axis (`X[..., None]`, "
            "`np.expand_dims(X, -1)`) for images without one. An `input_shape` equal to the "
            "data's full shape is reported here rather than as SHP202: with the data in view "
            "the failure is certain, not a guess from the numbers.",
        example="import numpy as np\nfrom keras import Sequential, layers\n\n"
                "X = np.random.rand(200, 12)\ny = np.random.rand(200)\n"
                "model = Sequential([layers.Dense(1, input_shape=(200, 12))])\n"
                "model.compile(optimizer='adam', loss='mse')\n"
                "model.fit(X, y, epochs=1, verbose=0)\n",
        use_instead="import numpy as np\nfrom keras import Sequential, layers\n\n"
                    "X = np.random.rand(200, 12)\ny = np.random.rand(200)\n"
                    "model = Sequential([layers.Dense(1, input_shape=X.shape[1:])])\n"
                    "model.compile(optimizer='adam', loss='mse')\n"
                    "model.fit(X, y, epochs=1, verbose=0)\n",
        known_problems="Silent when any part is uncertain: data whose shape the file does not "
                       "show (files, generators, `tf.data`), a model whose layers are not "
                       "all known, calls under an undecided condition."),
    "SHP110": RuleDoc(
        what="Checks the labels given to `fit`/`evaluate`/`train_on_batch` against the "
             "model's output under the compiled loss: one-hot labels over K classes need K "
             "output units (categorical and binary cross-entropy, and elementwise losses such "
             "as `mse`); integer labels whose largest class id is known (MNIST's 0-9) need "
             "more output units than that id. Labels whose sample count differs from the "
             "data's are reported too.",
        why="Keras raises at the first batch: `Arguments target and output must have the same "
            "shape`, a broadcast error for `mse`, or `Target 9 is out of bounds` for a sparse "
            "loss over too few units; before any batch, `Data cardinality is ambiguous` when x "
            "and y hold different numbers of samples.",
        example="import numpy as np\nimport keras\nfrom keras import layers\n\n"
                "x = np.random.rand(40, 8)\n"
                "y = keras.utils.to_categorical(np.random.randint(0, 4, size=(40,)), 4)\n"
                "model = keras.Sequential([keras.Input((8,)), "
                "layers.Dense(3, activation='softmax')])\n"
                "model.compile(optimizer='adam', loss='categorical_crossentropy')\n"
                "model.fit(x, y, epochs=1, verbose=0)\n",
        use_instead="import numpy as np\nimport keras\nfrom keras import layers\n\n"
                    "x = np.random.rand(40, 8)\n"
                    "y = keras.utils.to_categorical(np.random.randint(0, 4, size=(40,)), 4)\n"
                    "model = keras.Sequential([keras.Input((8,)), "
                    "layers.Dense(4, activation='softmax')])\n"
                    "model.compile(optimizer='adam', loss='categorical_crossentropy')\n"
                    "model.fit(x, y, epochs=1, verbose=0)\n",
        known_problems="The class count of integer labels is only known for the "
                       "`keras.datasets` (every class is present) and literal arrays; labels "
                       "drawn with `randint` or a subset of a dataset are not judged."),
    "SHP111": RuleDoc(
        what="Reports `sparse_categorical_crossentropy` given one-hot labels, and "
             "`categorical_crossentropy` given integer class ids of shape `(N,)` or `(N, 1)`.",
        why="Keras 3 raises ValueError at the first batch (`target` and `output` must have the "
            "same shape, or the same shape up to the last axis). The sparse loss wants one "
            "integer id per sample; the categorical loss wants one column per class.",
        example="import numpy as np\nimport keras\nfrom keras import layers\n\n"
                "x = np.random.rand(30, 8)\ny = np.random.randint(0, 3, size=(30,))\n"
                "model = keras.Sequential([keras.Input((8,)), "
                "layers.Dense(3, activation='softmax')])\n"
                "model.compile(optimizer='adam', loss='categorical_crossentropy')\n"
                "model.fit(x, y, epochs=1, verbose=0)\n",
        use_instead="import numpy as np\nimport keras\nfrom keras import layers\n\n"
                    "x = np.random.rand(30, 8)\ny = np.random.randint(0, 3, size=(30,))\n"
                    "model = keras.Sequential([keras.Input((8,)), "
                    "layers.Dense(3, activation='softmax')])\n"
                    "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')\n"
                    "model.fit(x, y, epochs=1, verbose=0)\n",
        fix="Either change the loss (`sparse_categorical_crossentropy` for ids, "
            "`categorical_crossentropy` for one-hot) or the labels "
            "(`keras.utils.to_categorical(y, K)`, `y.argmax(-1)`)."),
    "SHP204": RuleDoc(
        what="Reports a softmax over an axis of size 1: `Dense(1, activation='softmax')`, or "
             "`Activation('softmax')` / `Softmax()` after a layer of one unit.",
        why="A softmax divides each value by the sum over its axis; over one value that is "
            "exactly 1.0 for every input, so the model predicts a constant and cannot learn. "
            "A binary output wants a sigmoid (or two softmax units).",
        example="from keras import Sequential, Input, layers\n\n"
                "model = Sequential([Input((20,)), layers.Dense(1, activation='softmax')])\n",
        use_instead="from keras import Sequential, Input, layers\n\n"
                    "model = Sequential([Input((20,)), layers.Dense(1, activation='sigmoid')])\n"),
    "SHP205": RuleDoc(
        what="Reports a compiled loss that does not suit the output layer: `binary_crossentropy` "
             "on a softmax over three or more classes, and a categorical cross-entropy "
             "(sparse or not) on a single output unit.",
        why="Both run. Binary cross-entropy on a softmax scores each class as an independent "
            "yes/no, so the loss and the accuracy Keras reports are not those of the K-class "
            "problem; categorical cross-entropy normalises a single output to 1 and its loss is "
            "always 0. Binary cross-entropy on a multi-label sigmoid output is correct and not "
            "reported, nor is it on a softmax over two units (where it equals the categorical "
            "loss).",
        example="from keras import Sequential, Input, layers\n\n"
                "model = Sequential([Input((12,)), layers.Dense(5, activation='softmax')])\n"
                "model.compile(optimizer='adam', loss='binary_crossentropy')\n",
        use_instead="from keras import Sequential, Input, layers\n\n"
                    "model = Sequential([Input((12,)), layers.Dense(5, activation='softmax')])\n"
                    "model.compile(optimizer='adam', loss='categorical_crossentropy')\n",
        known_problems="Only the model's own last layer is read; a loss function the analysis "
                       "cannot name is not judged."),
    "SHP202": RuleDoc(
        what="Reports an `input_shape` whose first size looks like the number of samples "
             "(e.g. `(60000, 28, 28)` for MNIST) rather than the size of one sample.",
        why="Keras adds the batch axis itself; `(60000, 28, 28)` builds a model whose rows are "
            "60000 pixels tall and whose 28 'channels' are image columns. It builds, trains "
            "nothing useful, and fails on the real data.",
        example="from keras import Sequential, layers\n\n"
                "model = Sequential([layers.Conv2D(8, 3, input_shape=(60000, 28, 28))])\n",
        use_instead="from keras import Sequential, layers\n\n"
                    "model = Sequential([layers.Conv2D(8, 3, input_shape=(28, 28, 1))])\n",
        known_problems="A heuristic: it fires when the first size is at least 1000 and more "
                       "than 8 times the others. A genuinely tall input can trip it; silence "
                       "the line with `# noqa: SHP202`."),
    "SHP203": RuleDoc(
        what="Reports a `Linear` fed a one-dimensional tensor whose length contains the batch "
             "size: `x.view(-1)` or `torch.flatten(x)` (start_dim=0) folded the batch into the "
             "features.",
        why="With a batch of one the sizes happen to match and the model runs; with any "
            "other batch size `in_features` no longer matches and torch raises, usually only "
            "once training starts.",
        example="import torch\nimport torch.nn as nn\n\n\n"
                "class Net(nn.Module):  # shapelint: input=(B, 4, 3, 3)\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.fc = nn.Linear(36, 2)\n\n"
                "    def forward(self, x):\n"
                "        return self.fc(torch.flatten(x))\n",
        use_instead="import torch\nimport torch.nn as nn\n\n\n"
                    "class Net(nn.Module):  # shapelint: input=(B, 4, 3, 3)\n"
                    "    def __init__(self):\n"
                    "        super().__init__()\n"
                    "        self.fc = nn.Linear(36, 2)\n\n"
                    "    def forward(self, x):\n"
                    "        return self.fc(torch.flatten(x, 1))\n"),
    "SHP201": RuleDoc(
        what="Checks for a `Dense` (Keras) or `Linear` (torch) applied to a feature map of rank "
             "4 or more, reported at the first such layer only.",
        why="Dense and Linear act on the last axis alone: on a `(None, 13, 13, 256)` feature "
            "map, `Dense(4096)` is applied at each of the 169 positions with 1,052,672 weights "
            "instead of seeing the whole map with 177,213,440. The model builds and trains, "
            "just not as the model the author meant (the classic missing `Flatten()`; AlexNet "
            "typed from the paper has 25,678,184 parameters instead of about 60 million). The "
            "message gives both layer counts and both model totals.",
        example="from keras import Sequential, layers\n\n"
                "model = Sequential([\n"
                "    layers.Conv2D(32, 3, input_shape=(28, 28, 1)),\n"
                "    layers.Dense(10),\n"
                "])\n",
        use_instead="from keras import Sequential, layers\n\n"
                    "model = Sequential([\n"
                    "    layers.Conv2D(32, 3, input_shape=(28, 28, 1)),\n"
                    "    layers.Flatten(),\n"
                    "    layers.Dense(10),\n"
                    "])\n",
        known_problems="A deliberate per-position head (a 1x1-convolution written as `Dense`, "
                       "as in some segmentation models) is reported too; silence it with "
                       "`# noqa: SHP201` on that line.",
        fix="Keras: a **safe** fix inserts `Flatten()` before the flagged Dense, spelled the way "
            "the file spells its layers (`tf.keras.layers.Flatten()`, `layers.Flatten()`, or "
            "`Flatten()` added to the `from ... import Dense` line): in a `Sequential([...])` "
            "list, as a `model.add(...)` before the flagged one, or, in a functional model, "
            "around its input (`Dense(64)(layers.Flatten()(x))`). Dense infers its input width, "
            "so no number changes and the new totals are those the message printed. torch: an "
            "**unsafe** fix flattens the input and sets `in_features` to the flattened count; "
            "the model as written runs, so this changes its behaviour and a number."),
    "SHP206": RuleDoc(
        what="Checks the input and target of `nn.MSELoss`, `nn.L1Loss`, `nn.SmoothL1Loss`, "
             "`nn.HuberLoss` (and `F.mse_loss`, `F.l1_loss`, `F.smooth_l1_loss`, "
             "`F.huber_loss`) when both shapes are known: it reports shapes that differ but "
             "broadcast, such as an `(N, 1)` output against an `(N,)` target.",
        why="These losses broadcast the two tensors before comparing them. `(N, 1)` against "
            "`(N,)` becomes an `(N, N)` difference: every prediction is compared with every "
            "target and the mean of those N x N errors is minimised. torch only warns (\"Using "
            "a target size that is different to the input size\"), the loss still decreases, "
            "and the model learns to predict the mean target. The message names both shapes, "
            "the broadcast shape, and which side to squeeze.",
        example="import torch\nimport torch.nn as nn\n\n"
                "model = nn.Linear(13, 1)\n"
                "x = torch.randn(16, 13)\n"
                "y = torch.randn(16)\n"
                "loss = nn.MSELoss()(model(x), y)\n",
        use_instead="import torch\nimport torch.nn as nn\n\n"
                    "model = nn.Linear(13, 1)\n"
                    "x = torch.randn(16, 13)\n"
                    "y = torch.randn(16)\n"
                    "loss = nn.MSELoss()(model(x).squeeze(1), y)\n",
        known_problems="Reported only when both shapes are known in the file (from tensor "
                       "factories and the model's forward pass); data loaded at runtime is "
                       "not followed. A deliberate broadcast (a target shared by every row) "
                       "is reported too, as torch itself warns about it; write the `expand` "
                       "explicitly to silence both."),
    "SHP207": RuleDoc(
        what="Checks `nn.CrossEntropyLoss` / `F.cross_entropy` and `nn.NLLLoss` / "
             "`F.nll_loss` for an input certainly produced by a softmax (`nn.Softmax`, "
             "`F.softmax`, `torch.softmax`, `x.softmax(...)`, a forward pass ending in one).",
        why="`CrossEntropyLoss` applies `log_softmax` to its input itself: given probabilities "
            "it computes the cross-entropy of a softmax of a softmax, whose gradients are "
            "squashed, so training is slow and stalls at a worse loss. `NLLLoss` expects "
            "log-probabilities; given probabilities it minimises minus the probability, not "
            "its log. Neither raises. Fix: return the logits and use `CrossEntropyLoss`, or "
            "end the model in `LogSoftmax` and use `NLLLoss`; apply softmax only for "
            "reporting.",
        example="import torch\nimport torch.nn as nn\n\n"
                "model = nn.Sequential(nn.Linear(20, 5), nn.Softmax(dim=1))\n"
                "x = torch.randn(8, 20)\n"
                "y = torch.randint(0, 5, (8,))\n"
                "loss = nn.CrossEntropyLoss()(model(x), y)\n",
        use_instead="import torch\nimport torch.nn as nn\n\n"
                    "model = nn.Sequential(nn.Linear(20, 5))\n"
                    "x = torch.randn(8, 20)\n"
                    "y = torch.randint(0, 5, (8,))\n"
                    "loss = nn.CrossEntropyLoss()(model(x), y)\n",
        known_problems="Only a softmax shapelint can see is reported: one applied in a module "
                       "it cannot read, or behind a reshape, is not."),
    "SHP208": RuleDoc(
        what="Checks `nn.BCELoss` / `F.binary_cross_entropy` for an input certainly produced "
             "by an unbounded layer (`Linear`, `Conv*`, `F.linear`, ...) with no sigmoid after "
             "it; reshapes and indexing in between do not hide it.",
        why="`BCELoss` takes probabilities in [0, 1]. A Linear output is any real number: "
            "torch raises `all elements of input should be between 0 and 1` as soon as one "
            "value leaves that range, often a few steps into training. `BCEWithLogitsLoss` "
            "takes the logits directly and is numerically stabler than a sigmoid followed by "
            "`BCELoss`.",
        example="import torch\nimport torch.nn as nn\n\n"
                "model = nn.Linear(10, 1)\n"
                "x = torch.randn(8, 10)\n"
                "y = torch.rand(8, 1)\n"
                "loss = nn.BCELoss()(model(x), y)\n",
        use_instead="import torch\nimport torch.nn as nn\n\n"
                    "model = nn.Linear(10, 1)\n"
                    "x = torch.randn(8, 10)\n"
                    "y = torch.rand(8, 1)\n"
                    "loss = nn.BCEWithLogitsLoss()(model(x), y)\n",
        known_problems="An activation shapelint cannot see (a custom module, a function it "
                       "does not read) leaves the output's bounds unknown, and nothing is "
                       "reported."),
    "SHP209": RuleDoc(
        what="Checks a parameter count stated next to a model (\"60 million parameters\", "
             "\"~60M params\", \"Total params: 1,234\", a lone `# 1.2B` on the model's line) "
             "against the total the model as written builds, and reports the claim when they "
             "differ by more than 5% (or more than the precision written: `1.2B` is anything "
             "that rounds to 1.2B). The finding sits on the claim's line and names both "
             "numbers. A claim is read from the comment on the statement that makes the model "
             "and the comment lines just above it; the docstring of the function that builds "
             "it, the comments above its `def`, and its comments that speak of the whole "
             "(\"total\", "
             "\"model\", \"network\"); the same for the model's own class (torch "
             "`nn.Module`, `keras.Model` subclass) when its `__init__` needs no arguments; and "
             "the module docstring of a file that makes one model. Only models whose count "
             "is exact are judged; a \"trainable\" claim is compared with the trainable "
             "count, any other with the total (Keras counts BatchNormalization's moving "
             "statistics; torch counts parameters, not buffers).",
        why="A stated count is usually the count of the model the author meant (the paper's "
            "figure, or the summary of an earlier version). When the code builds something "
            "else, one of them is wrong: AlexNet typed from the paper without its last "
            "pooling and `Flatten()` builds 25,678,184 parameters where the docstring says "
            "60 million. When the same model has an SHP201 finding (a Dense on a feature "
            "map), the message names it as the likely cause and gives the total with "
            "`Flatten()`.",
        example="from keras import Sequential, layers\n\n"
                "# A small CNN for MNIST: about 1.2M parameters.\n"
                "model = Sequential([\n"
                "    layers.Conv2D(32, 3, activation=\"relu\", input_shape=(28, 28, 1)),\n"
                "    layers.MaxPooling2D(2),\n"
                "    layers.Flatten(),\n"
                "    layers.Dense(10, activation=\"softmax\"),\n"
                "])\n",
        use_instead="from keras import Sequential, layers\n\n"
                    "# A small CNN for MNIST: 54,410 parameters.\n"
                    "model = Sequential([\n"
                    "    layers.Conv2D(32, 3, activation=\"relu\", input_shape=(28, 28, 1)),\n"
                    "    layers.MaxPooling2D(2),\n"
                    "    layers.Flatten(),\n"
                    "    layers.Dense(10, activation=\"softmax\"),\n"
                    "])\n",
        known_problems="Only counts written beside a parameter word are read (\"60M "
                       "params\", \"params: 60M\"), except a lone `# 1.2B` on the model's own "
                       "line or the line just above. Sentences that compare or bound "
                       "(\"fewer than\", \"unlike the original\", \"under 1M\"), ranges "
                       "(\"50-60M\"), counts of a part (\"each block\", \"the encoder\"), "
                       "and a text giving two different totals are not read as claims, so some "
                       "true mismatches go unreported. A class docstring describing a "
                       "configuration other than the one the file builds (with the same "
                       "argument-free `__init__`) is reported; correct the docstring or allow "
                       "the line.",
        fix="None: whether the code or the claim is wrong is the author's call."),
    "SHP210": RuleDoc(
        what="Checks a FLOPs or MACs figure stated next to a model for an input resolution "
             "(\"4.1 GFLOPs at 224x224\", \"600M MACs (224 px)\", \"FLOPs: 1.8G\" in a "
             "docstring that names 224x224) against what one forward pass of the model as "
             "written costs at that input, and reports the claim when they differ by more "
             "than 5% (or more than the precision written). Claims are read where SHP209 "
             "reads parameter counts. Figures follow torch's FlopCounterMode (2 FLOPs per "
             "multiply-accumulate of matmuls, linear layers, convolutions, attention, "
             "einsum; 0 for elementwise ops, norms and pooling); MACs are FLOPs / 2. Since "
             "papers and tools often write \"FLOPs\" for multiply-accumulates, a FLOPs claim "
             "is kept when it matches either figure; a MACs claim must match the MACs.",
        why="A stated cost is usually the cost of the model the author meant; when the code "
            "costs something else at the very input the text names, the code or the text is "
            "out of date. `shapelint confirm` shows FlopCounterMode's own figure beside "
            "shapelint's.",
        example="import torch.nn as nn\n\n\n"
                "class TinyNet(nn.Module):  # shapelint: input=(B, 3, 32, 32)\n"
                "    \"\"\"A tiny CNN for 32x32 images: 5M MACs.\"\"\"\n\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.conv = nn.Conv2d(3, 16, 3)\n"
                "        self.pool = nn.AdaptiveAvgPool2d(1)\n"
                "        self.fc = nn.Linear(16, 10)\n\n"
                "    def forward(self, x):\n"
                "        return self.fc(self.pool(self.conv(x).relu()).flatten(1))\n",
        use_instead="import torch.nn as nn\n\n\n"
                "class TinyNet(nn.Module):  # shapelint: input=(B, 3, 32, 32)\n"
                "    \"\"\"A tiny CNN for 32x32 images: 389K MACs.\"\"\"\n\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.conv = nn.Conv2d(3, 16, 3)\n"
                "        self.pool = nn.AdaptiveAvgPool2d(1)\n"
                "        self.fc = nn.Linear(16, 10)\n\n"
                "    def forward(self, x):\n"
                "        return self.fc(self.pool(self.conv(x).relu()).flatten(1))\n",
        known_problems="Judged only when the text states exactly one resolution and it is the "
                       "height and width of the input the model is analysed with (rank-4 "
                       "images), and only when the model's FLOPs for one sample at that input "
                       "are known exactly: a claim with no resolution, about another input "
                       "size, or about a model with an op shapelint cannot count is not "
                       "checked. Tools that also count elementwise ops, norms and pooling "
                       "(thop, ptflops) give a few percent more than FlopCounterMode; within "
                       "5% that is not reported. Speeds (\"312 TFLOPS\", \"per second\"), "
                       "comparisons and bounds (\"under 1 GFLOPs\"), counts of a part (\"each "
                       "block\") and texts giving several different figures are not read.",
        fix="None: whether the code or the claim is wrong is the author's call."),
    "SHP301": RuleDoc(
        what="Reports a layer that is not in shapelint's catalogue (off by default).",
        why="Its output shape and parameter count are unknown, so every count that depends on "
            "it is reported as unknown rather than guessed. Select `SHP3` to see where the "
            "analysis is blind.",
        known_problems="Custom layers are reported here until their class is read as "
                       "ordinary model code."),
    "SHP302": RuleDoc(
        what="Reports a model whose input shape could not be learned (off by default).",
        why="Sizes that depend on the input stay symbolic (`H`, `W`), and counts that depend "
            "on them are unknown. Give the shape with `input_shape=`, `keras.Input`, a "
            "`# shapelint: input=(N, 3, 224, 224)` comment, `[tool.shapelint.input-shapes]` or "
            "`summary --input-shape`."),
    "SHP303": RuleDoc(
        what="Reports the input sizes a `Linear` fits when its input width depends on an "
             "unknown input size (off by default).",
        why="`Linear(9216, 4096)` after a convolution stack fits only inputs of 224 to 227 "
            "pixels; saying so documents an assumption the code does not state.",
        example="import torch.nn as nn\n\n\n"
                "class Net(nn.Module):\n"
                "    def __init__(self):\n"
                "        super().__init__()\n"
                "        self.conv = nn.Conv2d(3, 4, 3)\n"
                "        self.fc = nn.Linear(4 * 30 * 30, 10)\n\n"
                "    def forward(self, x):\n"
                "        return self.fc(self.conv(x).flatten(1))\n",
        use_instead="import torch.nn as nn\n\n\n"
                    "class Net(nn.Module):  # shapelint: input=(B, 3, 32, 32)\n"
                    "    def __init__(self):\n"
                    "        super().__init__()\n"
                    "        self.conv = nn.Conv2d(3, 4, 3)\n"
                    "        self.fc = nn.Linear(4 * 30 * 30, 10)\n\n"
                    "    def forward(self, x):\n"
                    "        return self.fc(self.conv(x).flatten(1))\n"),
    "SHP901": RuleDoc(
        what="Reports that shapelint hit an internal error on a file and skipped it (at most "
             "once per file).",
        why="The rest of the lint run goes on; the file's models were not checked. Please "
            "report the file."),
    "SHP902": RuleDoc(
        what="Reports that a file needs more analysis work than the budget allows (at most once "
             "per file).",
        why="The budget keeps every lint run bounded: no input can hang shapelint. The models "
            "in the file were not checked. Raise `budget` in `[tool.shapelint]` (or "
            "`--shapelint-budget` under flake8) if the file is worth the time."),
}


def page(code: str) -> str:
    """The Markdown rule page for one code, in Ruff's sections."""
    entry, doc = REGISTRY[code], DOCS[code]
    default = "" if entry.default else " It is off by default; select it with `--select " \
        f"{code}`."
    out = [f"# {code} {entry.name}", "",
           f"{entry.summary} Severity: {entry.severity}.{default}", "",
           "## What it does", "", doc.what, "", "## Why is this bad?", "", doc.why, ""]
    if doc.example:
        out += ["## Example", "", "```python", doc.example.rstrip("\n"), "```", ""]
    if doc.use_instead:
        out += ["Use instead:", "", "```python", doc.use_instead.rstrip("\n"), "```", ""]
    out += ["## Fix", "", doc.fix, "", "## Known problems", "", doc.known_problems, "",
            "## References", "", f"- Allow it on one line: `# noqa: {code}`",
            "- [All codes](README.md)", ""]
    return "\n".join(out)


def index() -> str:
    rows = [f"| [{c.code}]({c.code}.md) | {c.name} | {c.summary} |" for c in REGISTRY.values()]
    return "\n".join(["# shapelint rules", "",
                      "Generated by `python -m shapelint.rules.docs` from "
                      "`src/shapelint/rules/docs.py`; do not edit by hand.", "",
                      "| Code | Name | What it means |", "| --- | --- | --- |", *rows, ""])


def pages() -> dict[str, str]:
    """File name -> content for the whole docs/rules directory."""
    out = {f"{code}.md": page(code) for code in REGISTRY}
    out["README.md"] = index()
    return out


def write(directory: str) -> list[str]:
    os.makedirs(directory, exist_ok=True)
    written = []
    for name, text in pages().items():
        path = os.path.join(directory, name)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write(sys.argv[1] if len(sys.argv) > 1 else os.path.join("docs", "rules")):
        print(path)
