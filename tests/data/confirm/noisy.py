"""A model file that prints while it is imported, built and run: none of it may reach
`shapelint confirm --format json`."""
import sys

import torch.nn as nn

print("importing noisy.py {not json")
print("to stderr too", file=sys.stderr)


class Chatty(nn.Module):  # shapelint: input=(B, 8)
    def __init__(self):
        super().__init__()
        print("building Chatty")
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        print("forward", x.shape)
        return self.fc(x)


if __name__ == "__main__":
    print("never run by confirm: the module is not imported as __main__")
