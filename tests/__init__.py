"""The test suite; SPEC_PATH is the hand-written spec at the repository root."""

from pathlib import Path

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"
