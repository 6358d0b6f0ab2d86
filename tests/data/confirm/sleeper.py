"""A model file whose import never ends in reasonable time: `confirm --timeout` stops it."""
import time

import torch.nn as nn

time.sleep(600)
model = nn.Sequential(nn.Linear(4, 2))
