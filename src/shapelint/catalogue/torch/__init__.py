"""torch.nn modules (split by family in the next commit)."""
from . import shape  # noqa: F401  (registers entries on import)
