"""The cheap test every file passes first: does its text mention a framework at all?"""
import re

_FRAMEWORK = re.compile(r"\b(?:keras|tensorflow|torch)\b")


def mentions_framework(text: str) -> bool:
    return _FRAMEWORK.search(text) is not None
