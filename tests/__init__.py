"""The test suite; ROOT is the repository, SPEC_PATH its hand-written spec."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "openapi.yaml"
