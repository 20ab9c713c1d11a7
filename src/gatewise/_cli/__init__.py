"""The `gatewise` command line: argparse over the public client, one module per command group.

`main` is the console script's entry point (also `python -m gatewise`).
"""

from .main import main

__all__ = ["main"]
