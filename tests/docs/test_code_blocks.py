"""Every ```python block of README.md and docs/ runs against the mock gateway.

The blocks of one page run in order in one namespace (a page reads like one session), in
a temporary folder, with GATEWISE_BASE_URL / GATEWISE_API_KEY (and OPENAI_BASE_URL /
OPENAI_API_KEY, for the openai-python comparisons) pointing at a fresh MockGateway.
Blocks marked `<!-- not-run: reason -->` are skipped (see markdown_blocks.py).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from gatewise import AsyncGatewise, Gatewise
from gatewise.testing import MockGateway

from .markdown_blocks import CodeBlock, python_blocks

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])


def _page_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("page", PAGES, ids=_page_id)
def test_page_code_runs_against_the_mock(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = [block for block in python_blocks(page) if block.not_run is None]
    if not blocks:
        pytest.skip("no runnable python block")
    monkeypatch.chdir(tmp_path)
    with MockGateway(video_seconds=0.3, slow_seconds=2.0) as gw:
        monkeypatch.setenv("GATEWISE_BASE_URL", gw.url)
        monkeypatch.setenv("GATEWISE_API_KEY", gw.api_key)
        monkeypatch.setenv("OPENAI_BASE_URL", f"{gw.url}/v1")
        monkeypatch.setenv("OPENAI_API_KEY", gw.api_key)
        namespace: dict[str, object] = {"__name__": "__docs__"}
        try:
            for block in blocks:
                _run(block, namespace)
        finally:
            _close_clients(namespace)


def _run(block: CodeBlock, namespace: dict[str, object]) -> None:
    try:
        # dont_inherit: a block runs as a script would, without this module's __future__ imports.
        exec(compile(block.source, block.where, "exec", dont_inherit=True), namespace)
    except Exception as exc:
        raise AssertionError(f"the code block at {block.where} failed: {exc!r}") from exc


def _close_clients(namespace: dict[str, object]) -> None:
    """What a script's exit would release: the clients a page left open."""
    for value in namespace.values():
        if isinstance(value, Gatewise):
            value.close()
        elif isinstance(value, AsyncGatewise):
            asyncio.run(value.close())


def test_every_page_with_python_has_a_runnable_block_or_says_why() -> None:
    """A marker must give its reason, so a skipped block is a decision, not an accident."""
    marked = [block for page in PAGES for block in python_blocks(page) if block.not_run]
    assert all(block.not_run.strip() for block in marked if block.not_run)
    runnable = [block for page in PAGES for block in python_blocks(page) if not block.not_run]
    assert len(runnable) > len(marked), "most examples must run"
