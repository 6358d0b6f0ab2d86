"""A model file whose import never ends in reasonable time: `confirm --timeout` stops it."""
import time

import torch.nn as nn

time.sleep(600)


class Tiny(nn.Module):  # shapelint: input=(B, 4)
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc(x)
