"""Events/second of gatewise's SSE decoder on a typical chat token stream, in reads of 4 KiB,
64 KiB (a real socket) and the whole body at once (an in-process transport).

The baseline is what `httpx.Response.iter_lines()` does to the same bytes (incremental UTF-8
decode, then httpx's LineDecoder): it only splits lines, so the ratio is the price of parsing.
Run: python bench/sse_decode.py
"""

from __future__ import annotations

import time
from collections.abc import Callable

from gatewise._sse import SSEDecoder

EVENTS = 100_000
READ_SIZES: dict[str, int | None] = {"4 KiB": 4096, "64 KiB": 65536, "whole body": None}
ROUNDS = 5
WORDS = ["Hello", " world", ",", " the", " quick", " brown", " fox", " 🦊", " naïve", "\\n"]


def make_stream() -> bytes:
    template = (
        'data: {{"id":"chatcmpl-9x7Yq2","object":"chat.completion.chunk","created":1732579200,'
        '"model":"gw-large","choices":[{{"index":0,"delta":{{"content":"{word}"}},'
        '"finish_reason":null}}]}}\n\n'
    )
    body = "".join(template.format(word=WORDS[i % len(WORDS)]) for i in range(EVENTS - 1))
    return (body + "data: [DONE]\n\n").encode()


def run_sse(chunks: list[bytes]) -> int:
    decoder = SSEDecoder()
    count = 0
    for chunk in chunks:
        count += len(decoder.feed(chunk))
    decoder.end()
    return count


def make_line_splitter() -> tuple[str, Callable[[list[bytes]], int]]:
    try:
        from httpx._decoders import LineDecoder, TextDecoder
    except ImportError:  # httpx absent or its private module moved: plain bytes splitting

        def run_split(chunks: list[bytes]) -> int:
            # Counts blank lines, i.e. events; the trailing partial line is carried over.
            rest = b""
            count = 0
            for chunk in chunks:
                *lines, rest = (rest + chunk).split(b"\n")
                count += lines.count(b"")
            return count

        return "bytes.split", run_split

    def run_httpx(chunks: list[bytes]) -> int:
        # Response.iter_lines() = iter_text() (TextDecoder) piped into LineDecoder.
        text_decoder = TextDecoder()
        line_decoder = LineDecoder()
        count = 0
        for chunk in chunks:
            for line in line_decoder.decode(text_decoder.decode(chunk)):
                if not line:
                    count += 1
        for line in line_decoder.decode(text_decoder.flush()) + line_decoder.flush():
            if not line:
                count += 1
        return count

    return "httpx LineDecoder", run_httpx


def best_time(run: Callable[[list[bytes]], int], chunks: list[bytes]) -> float:
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        count = run(chunks)
        best = min(best, time.perf_counter() - start)
        assert count == EVENTS, count
    return best


def main() -> None:
    stream = make_stream()
    name, run_lines = make_line_splitter()
    mib = len(stream) / 2**20
    print(f"{EVENTS} events, {mib:.1f} MiB, best of {ROUNDS}; SSEDecoder vs {name}")
    for label, size in READ_SIZES.items():
        step = size or len(stream)
        chunks = [stream[i : i + step] for i in range(0, len(stream), step)]
        sse_s = best_time(run_sse, chunks)
        lines_s = best_time(run_lines, chunks)
        print(
            f"  {label:<11}: SSEDecoder {EVENTS / sse_s:12,.0f} events/s ({mib / sse_s:6.1f} MiB/s)"
            f"  {name} {EVENTS / lines_s:12,.0f} events/s"
            f"  ratio {lines_s / sse_s:.2f}x"
        )


if __name__ == "__main__":
    main()
