"""The advice openings a moved finding cuts (rules/advice.py) are the ones rules/edges.py
writes: every sentence `_fix` opens with ". " starts with one of them, and each of them is
still written there, so the list cannot go stale in either direction."""
import ast
import pathlib

from shapelint.rules.advice import OPENINGS, without_advice

EDGES = pathlib.Path(__file__).resolve().parent.parent / "src" / "shapelint" / "rules" / "edges.py"


def _fix_sentences() -> list:
    """The literal text each string `_fix` builds starts with, for those opening a sentence."""
    tree = ast.parse(EDGES.read_text())
    fix = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "_fix")
    heads = []
    for node in ast.walk(fix):
        if isinstance(node, ast.JoinedStr) and node.values and \
                isinstance(node.values[0], ast.Constant):
            heads.append(node.values[0].value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            heads.append(node.value)
    return [h[2:] for h in heads if h.startswith(". ")]


def test_every_advice_sentence_of_edges_opens_with_a_known_opening():
    sentences = _fix_sentences()
    assert len(sentences) >= 6
    for sentence in sentences:
        assert sentence.startswith(OPENINGS), sentence


def test_every_opening_is_still_written_by_edges():
    text = EDGES.read_text()
    for opening in OPENINGS:
        assert opening in text, opening


def test_the_message_is_cut_at_its_first_advice_sentence():
    message = ("Conv2D expects (None, 28, 28, 1) but the data given to fit() has shape "
               "(60000, 28, 28). The data has no channel axis while the model expects 1 "
               "channels; give it images of shape (28, 28, 1). That data is made at line 4.")
    assert without_advice(message) == ("Conv2D expects (None, 28, 28, 1) but the data given "
                                       "to fit() has shape (60000, 28, 28)")
    assert without_advice("Dense expects 4 features.") == "Dense expects 4 features"
