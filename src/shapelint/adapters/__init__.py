"""Where users meet shapelint: the CLI, flake8, pytest, the language server, notebooks,
reporters."""
