"""`python -m gatewise`: the `gatewise` command."""

import sys

from ._cli import main

sys.exit(main())
