"""Every ```python block of README.md and docs/ runs against the mock gateway.

The blocks of one page run in order in one namespace (a page reads like one session), in
a temporary folder, with GATEWISE_BASE_URL / GATEWISE_API_KEY (and OPENAI_BASE_URL /
OPENAI_API_KEY, for the openai-python comparisons) pointing at a fresh MockGateway.
Blocks marked `<!-- not-run: reason -->` are skipped (see markdown_blocks.py). A docs page
that includes another file (`--8<-- "path"`, pymdownx.snippets) brings that file's blocks.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from gatewise import AsyncGatewise, Gatewise
from gatewise.testing import MockGateway
from tests import ROOT

from .markdown_blocks import CodeBlock, python_blocks

# mkdocs.yml's snippets base_path is the repository root.
INCLUDE = re.compile(r'^--8<--\s+"(?P<path>[^"]+)"\s*$', re.M)
DOCS = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]
INCLUDED = [ROOT / m["path"] for page in DOCS for m in INCLUDE.finditer(page.read_text())]
PAGES = sorted({*DOCS, *INCLUDED})


def _runnable(page: Path) -> list[CodeBlock]:
    return [block for block in python_blocks(page) if block.not_run is None]


RUNNABLE = {page: blocks for page in PAGES if (blocks := _runnable(page))}


def _page_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("page", list(RUNNABLE), ids=_page_id)
def test_page_code_runs_against_the_mock(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = RUNNABLE[page]
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


def test_every_page_was_considered() -> None:
    """Each page (README, docs/, the files docs pages include) runs above or has nothing to
    run: a page cannot drop out of the runs unseen."""
    assert INCLUDED, "no docs page includes a file: the include pattern is stale"
    assert all(page.is_file() for page in INCLUDED)
    assert {page for page in PAGES if _runnable(page)} == set(RUNNABLE)
    assert ROOT / "README.md" in RUNNABLE


def test_every_page_with_python_has_a_runnable_block_or_says_why() -> None:
    """A marker must give its reason, so a skipped block is a decision, not an accident."""
    marked = [block for page in PAGES for block in python_blocks(page) if block.not_run]
    assert all(block.not_run.strip() for block in marked if block.not_run)
    runnable = [block for page in PAGES for block in python_blocks(page) if not block.not_run]
    assert len(runnable) > len(marked), "most examples must run"
