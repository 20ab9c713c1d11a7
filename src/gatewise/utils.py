"""Aerostack's (Speakeasy's) `utils` names: `from gatewise.utils import BackoffStrategy,
RetryConfig` (both are importable from `gatewise` as well)."""

from __future__ import annotations

from ._retry import BackoffStrategy, RetryConfig

__all__ = ["BackoffStrategy", "RetryConfig"]
