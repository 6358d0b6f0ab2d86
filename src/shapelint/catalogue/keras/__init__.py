"""Keras 3 layers (to be split by family)."""
from . import core  # noqa: F401  (registers entries on import)
from . import merge  # noqa: F401
from . import preprocessing, augmentation, lookup  # noqa: F401
from . import conv_lstm, attention  # noqa: F401
# last: its RNN, cells and StackedRNNCells also say which initial states a call takes
from . import recurrent  # noqa: F401
