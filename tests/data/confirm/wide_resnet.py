"""A 160M-parameter PyTorch model: `shapelint confirm` builds it on the meta device, so its
weights are never allocated (on CPU they would take 640 MB)."""
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU()

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + x)


class WideResNet(nn.Module):  # shapelint: input=(B, 3, 64, 64)
    def __init__(self, width=512, depth=4, hidden=8192, classes=1000):
        super().__init__()
        self.stem = nn.Conv2d(3, width, 7, stride=2, padding=3)
        self.pool = nn.MaxPool2d(2)
        self.blocks = nn.Sequential(*[Block(width) for _ in range(depth)])
        self.squeeze = nn.AdaptiveAvgPool2d(4)
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Linear(width * 4 * 4, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, classes),
        )

    def forward(self, x):
        x = self.pool(self.stem(x))
        x = self.squeeze(self.blocks(x))
        return self.head(x)
