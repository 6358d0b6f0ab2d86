"""A process that lints one small file imports what that file needs and no more (issue 17's cold
start): a Keras file loads neither the torch framework nor its catalogue, a torch file neither
Keras's, either only the catalogue modules registering the layers it builds; the reporters
other than the one printing, SARIF, the rule docs, the fix and confirm machinery, the FLOPs
tables, the data models and the TOML parser wait until something asks for them. Each check runs
in a new process, as pre-commit, CI and flake8 start one; test_speed.py holds the companion
test on numpy, argparse and YAML's models.

The catalogue's index (which module registers each layer name, catalogue/index.py) is what lets
a lookup import one module: it must list every name a full import of the catalogue registers,
under the module that registers it.
"""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys

from shapelint.catalogue import CATALOGUES, _load, index
from shapelint.frameworks import DATA_ROOTS, canonical

ROOT = pathlib.Path(__file__).resolve().parent.parent
TORCH_FILE = ROOT / "fixtures" / "torch" / "linear_in_features_wrong.py"

# Modules no lint of a model file needs, unless it asks for what they do.
NEVER_FOR_A_LINT = ("shapelint.adapters.reporters.sarif", "shapelint.adapters.reporters.json_report",
                    "shapelint.adapters.reporters.pictures", "shapelint.adapters.reporters.github",
                    "shapelint.adapters.reporters.table", "shapelint.adapters.lsp",
                    "shapelint.rules.docs", "shapelint.catalogue.fault_docs",
                    "shapelint.pipeline.fix", "shapelint.adapters.notebook_fix",
                    "shapelint.confirm", "shapelint.cost.torch_flops",
                    "shapelint.cost.keras_flops", "shapelint.cost.functional_flops",
                    "shapelint.frameworks.numpy_api", "shapelint.interpreter.argparse_model",
                    "shapelint.interpreter.yaml_subset", "shapelint.frameworks.datasets",
                    "shapelint.frameworks.image_dirs", "shapelint.frameworks.image_files",
                    "shapelint.frameworks.einops_api", "shapelint.frameworks.numpy_random",
                    "shapelint.frameworks.pil_images",
                    "shapelint.frameworks.torchvision_data", "hashlib", "tomllib")
KERAS_SIDE = ("shapelint.frameworks.keras", "shapelint.catalogue.keras",
              "shapelint.rules.keras", "shapelint.cost.keras")
TORCH_SIDE = ("shapelint.frameworks.torch", "shapelint.catalogue.torch")


def imported_by(code: str, path: pathlib.Path) -> set:
    """The shapelint (and hashlib, tomllib) modules a new process running code has imported."""
    index.modules()  # the catalogue's index is made (by importing it all) when a source changed
    probe = (f"{code}\nimport sys\nprint(json.dumps(sorted(m for m in sys.modules if "
             "m.startswith(('shapelint', 'hashlib', 'tomllib')))))")
    run = subprocess.run([sys.executable, "-c", "import json\n" + probe, str(path)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return set(json.loads(run.stdout.strip().splitlines()[-1]))


def among(modules: set, prefixes) -> set:
    return {m for m in modules if m.startswith(tuple(prefixes))}


CHECK_SOURCE = ("import sys, shapelint\n"
                "found = shapelint.check_source(open(sys.argv[1]).read(), sys.argv[1])\n"
                "print([d.code.code for d in found])")
CLI = ("import sys\nfrom shapelint.adapters.cli import main\n"
       "try:\n    main(['check', sys.argv[1]])\nexcept SystemExit:\n    pass")
FLAKE8 = ("import sys\nfrom flake8.main.cli import main\n"
          "try:\n    main(['--select', 'SHP', sys.argv[1]])\nexcept SystemExit:\n    pass")


def test_a_keras_file_loads_the_keras_layers_it_builds_and_nothing_of_torch():
    for code in (CHECK_SOURCE, CLI, FLAKE8):
        modules = imported_by(code, ROOT / "examples" / "alexnet.py")
        assert "shapelint.frameworks.keras" in modules  # the file was analysed
        assert among(modules, TORCH_SIDE) == set()
        assert among(modules, NEVER_FOR_A_LINT) == set()
        # Conv2D, MaxPooling2D and Dense; _common (the data format) and merge (the functional
        # forms) come with the framework (the file's tf.keras spelling leaves the Keras 1/2
        # keyword check, catalogue/keras/legacy_arguments.py, unloaded)
        built = ("_common", "merge", "conv", "pool", "core")
        assert among(modules, ("shapelint.catalogue.keras.",)) == {
            f"shapelint.catalogue.keras.{name}" for name in built}


def test_a_torch_file_loads_the_torch_modules_it_builds_and_nothing_of_keras():
    for code in (CHECK_SOURCE, CLI, FLAKE8):
        modules = imported_by(code, TORCH_FILE)
        assert "shapelint.frameworks.torch" in modules
        # rules/edges.py's own (the judgments at a Keras model's fit and compile, which it
        # imports to tell that a model has none), not the framework's
        assert among(modules, KERAS_SIDE) == {"shapelint.rules.keras_heads",
                                              "shapelint.rules.keras_places",
                                              "shapelint.frameworks.keras_edges"}
        assert among(modules, NEVER_FOR_A_LINT) == set()
        # Conv2d, ReLU, MaxPool2d, Linear (torch_functional imports pool.py for F.max_pool2d)
        built = ("_common", "conv", "activation", "pool", "linear")
        assert among(modules, ("shapelint.catalogue.torch.",)) == {
            f"shapelint.catalogue.torch.{name}" for name in built}


def test_the_flake8_plugin_entry_imports_neither_libcst_nor_the_analysis():
    """flake8 imports every plugin's entry point at each start, whatever it selects."""
    run = subprocess.run([sys.executable, "-c", "import sys\n"
                          "import shapelint.adapters.flake8_plugin\n"
                          "print(sorted(m for m in sys.modules if m.startswith(('shapelint', "
                          "'libcst'))))"], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == str(sorted(["shapelint", "shapelint.adapters",
                                             "shapelint.adapters.flake8_plugin",
                                             "shapelint.pipeline", "shapelint.pipeline.gate"]))


def test_a_file_mentioning_no_framework_imports_no_analysis():
    modules = imported_by(CHECK_SOURCE, ROOT / "bench" / "cold_start.py")
    assert modules == {"shapelint", "shapelint.pipeline", "shapelint.pipeline.gate"}


def test_the_catalogue_index_names_each_entry_under_the_module_registering_it():
    _load("keras")
    _load("torch")
    kept = index.modules()
    assert kept == index.built()
    assert {framework: set(table) for framework, table in kept.items()} == \
        {framework: set(CATALOGUES[framework]) for framework in CATALOGUES}
    assert len(kept["keras"]) > 150 and len(kept["torch"]) > 100
    assert kept["keras"]["MaxPool2D"] == "keras.pool" and kept["torch"]["Linear"] == "torch.linear"


def test_a_lookup_in_a_new_process_finds_what_a_full_load_finds():
    """Each name looked up alone, in a process that imported no catalogue module, gives the
    entry a full import gives: same class name, same factory."""
    code = ("import json, sys\nfrom shapelint.catalogue import lookup, CATALOGUES, _load\n"
            "names = json.loads(sys.argv[1])\nout = {}\n"
            "for framework, name in names:\n"
            "    e = lookup(framework, name)\n"
            "    out[framework + ':' + name] = [e.type_name, e.factory.__qualname__]\n"
            "assert lookup('keras', 'NoSuchLayer') is None and lookup('torch', 'Nope') is None\n"
            "print(json.dumps(out))")
    _load("keras")
    _load("torch")
    names = [(f, n) for f in ("keras", "torch") for n in sorted(CATALOGUES[f])]
    run = subprocess.run([sys.executable, "-c", code, json.dumps(names)], capture_output=True,
                         text=True, check=True)
    assert json.loads(run.stdout) == {
        f"{f}:{n}": [CATALOGUES[f][n].type_name, CATALOGUES[f][n].factory.__qualname__]
        for f, n in names}


def test_every_data_name_starts_as_the_frameworks_expect():
    """frameworks/__init__ imports datasets.py only for names beginning with DATA_ROOTS."""
    from shapelint.frameworks import image_dirs
    names = (image_dirs.DATASET_NAMES + image_dirs.GENERATOR_NAMES +
             ("keras.datasets.mnist.load_data", "tensorflow.keras.datasets.cifar10.load_data",
              "keras.utils.to_categorical", "keras.utils.np_utils.to_categorical",
              "keras.utils.numerical_utils.to_categorical", "tensorflow.one_hot",
              "keras.ops.one_hot", "sklearn.model_selection.train_test_split"))
    # canonical() makes keras.src.X keras.X, so a name spelled keras.src. is never asked
    assert all(canonical(name).startswith(DATA_ROOTS) for name in names
               if not name.startswith("keras.src."))


def test_a_pyproject_without_a_shapelint_table_is_not_parsed(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "shapelint-user"\n[project.entry-points.pytest11]\n'
        'shapelint = "x"\n[tool.ruff]\nline-length = 100\n')
    (tmp_path / "model.py").write_text((ROOT / "examples" / "alexnet.py").read_text())
    modules = imported_by(CLI, tmp_path / "model.py")
    assert "tomllib" not in modules and "shapelint.frameworks.keras" in modules
    (tmp_path / "pyproject.toml").write_text('[tool.shapelint]\nignore = ["SHP201"]\n')
    run = subprocess.run([sys.executable, "-m", "shapelint", "check", "model.py"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0 and "SHP201" not in run.stdout  # the table is read
