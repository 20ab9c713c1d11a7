"""The SSE decoder against the WHATWG event-stream rules, whole and split at every byte."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gatewise import ResponseTooLargeError
from gatewise._sse import ServerSentEvent, SSEDecoder, aiter_events, iter_events


def ev(
    data: str, event: str = "message", id: str | None = None, retry: int | None = None
) -> ServerSentEvent:
    return ServerSentEvent(event=event, data=data, id=id, retry=retry)


def decode(chunks: list[bytes]) -> tuple[list[ServerSentEvent], bool]:
    decoder = SSEDecoder()
    events = [event for chunk in chunks for event in decoder.feed(chunk)]
    events += decoder.end()
    return events, decoder.pending


# (name, byte stream, expected events, expected pending)
CASES: list[tuple[str, bytes, list[ServerSentEvent], bool]] = [
    # Line ends.
    ("lf", b"data: a\n\n", [ev("a")], False),
    ("cr", b"data: a\r\r", [ev("a")], False),
    ("crlf", b"data: a\r\n\r\n", [ev("a")], False),
    ("mixed_line_ends", b"data: a\rdata: b\r\ndata: c\n\r\n", [ev("a\nb\nc")], False),
    ("crlf_is_one_line_end_not_two", b"data: a\r\n", [], True),
    ("lf_then_cr_is_two_line_ends", b"data: a\n\r", [ev("a")], False),
    ("cr_then_crlf_is_two_line_ends", b"data: a\r\r\n", [ev("a")], False),
    ("blank_lines_only", b"\n\r\n\r\n\n", [], False),
    # BOM.
    ("bom_stripped", b"\xef\xbb\xbfdata: a\n\n", [ev("a")], False),
    ("bom_only", b"\xef\xbb\xbf", [], False),
    ("truncated_bom_pending", b"\xef\xbb", [], True),
    ("truncated_bom_is_text", b"\xef\xbbdata: a\n\n", [], False),
    # The second BOM is a character of the line, so the field is named "\ufeffdata": unknown.
    ("second_bom_kept", b"\xef\xbb\xbf\xef\xbb\xbfdata: a\n\n", [], False),
    ("bom_inside_data_kept", b"\xef\xbb\xbfdata: \xef\xbb\xbfa\n\n", [ev("\ufeffa")], False),
    ("bom_after_stream_start_kept", b"data: a\n\n\xef\xbb\xbfdata: b\n\n", [ev("a")], False),
    # Field syntax.
    ("data_without_space", b"data:a\n\n", [ev("a")], False),
    ("only_one_space_removed", b"data:  a\n\n", [ev(" a")], False),
    ("trailing_space_kept", b"data: a \n\n", [ev("a ")], False),
    ("colon_in_value_kept", b"data: a:b\ndata::\n\n", [ev("a:b\n:")], False),
    ("multi_line_data_joined_with_lf", b"data: a\ndata: b\ndata:c\n\n", [ev("a\nb\nc")], False),
    ("line_without_colon_is_empty_value", b"data\n\n", [ev("")], False),
    ("empty_data_line_dispatches_empty", b"data:\n\n", [ev("")], False),
    ("two_empty_data_lines_give_one_lf", b"data:\ndata:\n\n", [ev("\n")], False),
    ("field_names_are_case_sensitive", b"Data: a\n\n", [], False),
    ("space_before_colon_is_part_of_name", b"data : a\n\n", [], False),
    ("unknown_field_ignored", b"foo: bar\ndata: a\nfoo\n\n", [ev("a")], False),
    # Comments.
    ("comments_ignored", b": hi\ndata: a\n:mid\n\n", [ev("a")], False),
    ("comment_block_not_dispatched", b":ping\n\n", [], False),
    ("comment_with_data_word", b":data: x\n\n", [], False),
    # event.
    ("event_sets_type", b"event: add\ndata: a\n\n", [ev("a", event="add")], False),
    ("empty_event_is_message", b"event:\ndata: a\n\n", [ev("a")], False),
    ("last_event_field_wins", b"event: x\nevent: y\ndata: a\n\n", [ev("a", event="y")], False),
    (
        "event_type_reset_after_dispatch",
        b"event: add\ndata: a\n\ndata: b\n\n",
        [ev("a", event="add"), ev("b")],
        False,
    ),
    ("event_type_reset_by_empty_block", b"event: add\n\ndata: b\n\n", [ev("b")], False),
    # id.
    ("id_set", b"id: 1\ndata: a\n\n", [ev("a", id="1")], False),
    ("id_after_data_in_block_counts", b"data: a\nid: 9\n\n", [ev("a", id="9")], False),
    (
        "id_persists_across_events",
        b"id: 1\ndata: a\n\ndata: b\n\n",
        [ev("a", id="1"), ev("b", id="1")],
        False,
    ),
    (
        "empty_id_resets_to_empty",
        b"id: 1\ndata: a\n\nid\ndata: b\n\n",
        [ev("a", id="1"), ev("b", id="")],
        False,
    ),
    (
        "id_with_nul_ignored",
        b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n",
        [ev("a", id="1"), ev("b", id="1")],
        False,
    ),
    ("id_in_block_without_data_still_set", b"id: 7\n\ndata: a\n\n", [ev("a", id="7")], False),
    ("id_value_keeps_spaces_and_colons", b"id:  a:b \ndata: x\n\n", [ev("x", id=" a:b ")], False),
    # retry.
    ("retry_digits", b"retry: 3000\ndata: a\n\n", [ev("a", retry=3000)], False),
    ("retry_with_letters_ignored", b"retry: 30s\ndata: a\n\n", [ev("a")], False),
    ("retry_negative_ignored", b"retry: -1\ndata: a\n\n", [ev("a")], False),
    ("retry_extra_space_ignored", b"retry:  100\ndata: a\n\n", [ev("a")], False),
    ("retry_empty_ignored", b"retry:\ndata: a\n\n", [ev("a")], False),
    ("retry_non_ascii_digits_ignored", "retry: ١٢\ndata: a\n\n".encode(), [ev("a")], False),
    ("retry_invalid_keeps_earlier", b"retry: 5\nretry: x\ndata: a\n\n", [ev("a", retry=5)], False),
    (
        "retry_only_for_its_block",
        b"retry: 5\ndata: a\n\ndata: b\n\n",
        [ev("a", retry=5), ev("b")],
        False,
    ),
    # Dispatch.
    ("empty_data_not_dispatched", b"event: x\nretry: 1\n\n", [], False),
    ("two_events", b"data: a\n\ndata: b\n\n", [ev("a"), ev("b")], False),
    ("extra_blank_lines_between_events", b"data: a\n\n\n\ndata: b\n\n", [ev("a"), ev("b")], False),
    (
        "all_fields",
        b"event: delta\nid: 42\nretry: 10\ndata: x\ndata: y\n\n",
        [ev("x\ny", event="delta", id="42", retry=10)],
        False,
    ),
    (
        "done_sentinel",
        b'data: {"x":1}\n\ndata: [DONE]\n\n',
        [ev('{"x":1}'), ev("[DONE]")],
        False,
    ),
    # Unicode line separators are data, as are the other characters str.splitlines splits on.
    (
        "unicode_separators_kept",
        "data: a\u2028b\u2029c\x85d\x0be\x0cf\x1cg\x1dh\x1ei\n\n".encode(),
        [ev("a\u2028b\u2029c\x85d\x0be\x0cf\x1cg\x1dh\x1ei")],
        False,
    ),
    ("non_ascii_data", "data: héllo 日本 😀\n\n".encode(), [ev("héllo 日本 😀")], False),
    # Invalid UTF-8 becomes U+FFFD, one per maximal invalid subpart.
    ("invalid_byte_replaced", b"data: a\xffb\n\n", [ev("a\ufffdb")], False),
    ("truncated_sequence_is_one_fffd", b"data: \xe2\x82z\n\n", [ev("\ufffdz")], False),
    ("surrogate_encoding_is_three_fffd", b"data: \xed\xa0\x80\n\n", [ev("\ufffd" * 3)], False),
    ("overlong_encoding_replaced", b"data: \xc0\xaf\n\n", [ev("\ufffd\ufffd")], False),
    ("invalid_field_name_byte", b"d\xffta: a\n\n", [], False),
    # End of stream.
    ("empty_stream", b"", [], False),
    ("final_event_without_blank_line_pending", b"data: a\n\ndata: b\n", [ev("a")], True),
    ("final_unterminated_line_pending", b"data: a\n\ndata: b", [ev("a")], True),
    ("unterminated_comment_pending", b"data: a\n\n: by", [ev("a")], True),
    ("final_cr_line_end_pending", b"data: a\r", [], True),
    ("final_field_without_data_pending", b"data: a\n\nid: 5\n", [ev("a")], True),
    ("final_unknown_field_pending", b"data: a\n\nfoo\n", [ev("a")], True),
    ("final_truncated_utf8_pending", b"data: a\n\n\xe2\x82", [ev("a")], True),
    ("final_comment_line_not_pending", b"data: a\n\n: bye\n", [ev("a")], False),
]

CASE_PARAMS = [pytest.param(raw, events, pending, id=name) for name, raw, events, pending in CASES]


@pytest.mark.parametrize(("raw", "expected", "pending"), CASE_PARAMS)
def test_whole_stream_decodes_per_spec(
    raw: bytes, expected: list[ServerSentEvent], pending: bool
) -> None:
    assert decode([raw]) == (expected, pending)


@pytest.mark.parametrize(("raw", "expected", "pending"), CASE_PARAMS)
def test_any_single_split_gives_same_events(
    raw: bytes, expected: list[ServerSentEvent], pending: bool
) -> None:
    for cut in range(len(raw) + 1):
        assert decode([raw[:cut], raw[cut:]]) == (expected, pending), f"cut at {cut}"


@pytest.mark.parametrize(("raw", "expected", "pending"), CASE_PARAMS)
def test_byte_by_byte_gives_same_events(
    raw: bytes, expected: list[ServerSentEvent], pending: bool
) -> None:
    assert decode([raw[i : i + 1] for i in range(len(raw))]) == (expected, pending)


def test_crlf_split_across_feeds_is_one_line_end() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    # Were the LF a second line end, the block would close here with data "a" alone.
    assert decoder.feed(b"\ndata: b\n\n") == [ev("a\nb")]


def test_cr_at_chunk_end_dispatches_without_waiting_for_next_chunk() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r\r") == [ev("a")]
    assert not decoder.pending


def test_lf_pairs_with_cr_across_an_empty_chunk() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"") == []
    assert decoder.feed(b"\n") == []
    assert decoder.feed(b"\n") == [ev("a")]


def test_bom_split_across_feeds_is_stripped_once() -> None:
    decoder = SSEDecoder()
    chunks = [b"\xef", b"\xbb", b"\xbf", b"\xef\xbb", b"\xbf", b"data: a\n\n"]
    assert [e for c in chunks for e in decoder.feed(c)] == []  # "\ufeffdata" is unknown
    assert decoder.feed(b"data: b\n\n") == [ev("b")]


def test_multibyte_character_split_across_feeds() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: \xf0\x9f") == []
    assert decoder.pending
    assert decoder.feed(b"\x98\x80\n\n") == [ev("\U0001f600")]
    assert not decoder.pending


def test_last_event_id_commits_only_at_blank_line() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"id: 1\n\nid: 2\ndata: x\n")
    decoder.end()
    # The block carrying id 2 was discarded, so resuming must ask for events after 1.
    assert decoder.last_event_id == "1"
    assert decoder.pending


def test_last_event_id_is_none_until_an_id_field() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\n\n")
    assert decoder.last_event_id is None


def test_retry_property_kept_from_block_without_data() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"retry: 2500\n\n") == []
    assert decoder.retry == 2500
    assert decoder.feed(b"data: a\n\n") == [ev("a")]
    assert decoder.retry == 2500


def test_retry_too_long_for_int_is_ignored() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"retry: " + b"9" * 10_000 + b"\ndata: a\n\n") == [ev("a")]
    assert decoder.retry is None


def test_long_line_across_many_chunks_arrives_intact() -> None:
    payload = b"x" * 100_000
    raw = b"data: " + payload + b"\n\n"
    events, pending = decode([raw[i : i + 1000] for i in range(0, len(raw), 1000)])
    assert events == [ev(payload.decode())]
    assert not pending


def test_end_returns_nothing_and_is_idempotent() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a")
    assert decoder.end() == []
    assert decoder.end() == []
    assert decoder.pending


def test_feed_after_end_raises() -> None:
    decoder = SSEDecoder()
    decoder.end()
    with pytest.raises(RuntimeError):
        decoder.feed(b"data: a\n\n")


def test_event_defaults_to_message_type_without_id_or_retry() -> None:
    event = ServerSentEvent(data="x")
    assert (event.event, event.data, event.id, event.retry) == ("message", "x", None, None)


def test_iter_events_over_chunks_and_exposes_pending_via_decoder() -> None:
    decoder = SSEDecoder()
    chunks = [b"id: 3\nda", b"ta: a\n", b"\ndata: b\n"]
    assert list(iter_events(chunks, decoder=decoder)) == [ev("a", id="3")]
    assert decoder.pending
    assert decoder.last_event_id == "3"


async def test_aiter_events_over_async_generator() -> None:
    raw = b'\xef\xbb\xbfevent: delta\r\ndata: {"a":1}\r\n\r\n: ping\rdata: [DONE]\r\r'

    async def chunks() -> AsyncIterator[bytes]:
        for i in range(len(raw)):
            yield raw[i : i + 1]

    decoder = SSEDecoder()
    events = [event async for event in aiter_events(chunks(), decoder=decoder)]
    assert events == [ev('{"a":1}', event="delta"), ev("[DONE]")]
    assert events == list(iter_events([raw]))
    assert not decoder.pending


# Property tests.


def _split(raw: bytes, cuts: list[int]) -> list[bytes]:
    bounds = [0, *sorted(cuts), len(raw)]
    return [raw[a:b] for a, b in pairwise(bounds)]


_LINE_END = st.sampled_from(["\n", "\r", "\r\n"])
# Any text but CR and LF (and lone surrogates, which UTF-8 cannot encode), with the characters
# a naive splitter or field parser would trip on drawn often rather than by chance.
_LINE_TEXT = st.text(
    alphabet=st.sampled_from("\u2028\u2029\x85\x0b\x0c\ufeff\0: a")
    | st.characters(codec="utf-8", exclude_characters="\r\n"),
    max_size=12,
)


@st.composite
def _event_blocks(draw: st.DrawFn) -> list[tuple[str | None, list[str], str | None, int | None]]:
    return draw(
        st.lists(
            st.tuples(
                st.none() | _LINE_TEXT,  # event
                st.lists(_LINE_TEXT, max_size=4),  # data lines; none means "not dispatched"
                st.none() | _LINE_TEXT,  # id, may contain NUL
                st.none() | st.integers(min_value=0, max_value=10**15),  # retry
            ),
            max_size=6,
        )
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blocks=_event_blocks(), bom=st.booleans(), comments=st.booleans(), data=st.data())
def test_random_events_survive_random_line_ends_and_splits(
    blocks: list[tuple[str | None, list[str], str | None, int | None]],
    bom: bool,
    comments: bool,
    data: st.DataObject,
) -> None:
    lines: list[str] = []
    expected: list[ServerSentEvent] = []
    last_id: str | None = None
    for event_type, data_lines, id_value, retry in blocks:
        if comments:
            lines.append(": comment")
        if event_type is not None:
            lines.append("event: " + event_type)
        if id_value is not None:
            lines.append("id: " + id_value)
            if "\0" not in id_value:
                last_id = id_value
        if retry is not None:
            lines.append(f"retry: {retry}")
        lines += ["data: " + line for line in data_lines]
        lines.append("")
        if data_lines:
            expected.append(ev("\n".join(data_lines), event_type or "message", last_id, retry))

    text = "\ufeff" if bom else ""
    previous_end = ""
    for line in lines:
        end = data.draw(_LINE_END)
        if previous_end == "\r" and not line and end == "\n":
            end = "\r\n"  # a lone LF here would pair with the previous CR into one line end
        text += line + end
        previous_end = end
    raw = text.encode()

    cuts = data.draw(st.lists(st.integers(0, len(raw)), max_size=12))
    decoder = SSEDecoder()
    events = [e for c in _split(raw, cuts) for e in decoder.feed(c)]
    events += decoder.end()
    assert (events, decoder.pending, decoder.last_event_id) == (expected, False, last_id)


# A literal transliteration of the spec, one line at a time, as an oracle for arbitrary bytes.
def _reference(raw: bytes) -> tuple[list[ServerSentEvent], bool, str | None, int | None]:
    text = raw.decode("utf-8", "replace")
    text = text.removeprefix("\ufeff")
    *lines, unterminated = re.split(r"\r\n|\r|\n", text)
    events: list[ServerSentEvent] = []
    data_buffer, event_type, id_buffer, last_id, retry, block_retry = "", "", None, None, None, None
    in_block = False
    for line in lines:
        if line == "":
            last_id = id_buffer
            if data_buffer:
                events.append(ev(data_buffer[:-1], event_type or "message", last_id, block_retry))
            data_buffer, event_type, block_retry, in_block = "", "", None, False
            continue
        if line.startswith(":"):
            continue
        in_block = True
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            data_buffer += value + "\n"
        elif name == "event":
            event_type = value
        elif name == "id" and "\0" not in value:
            id_buffer = value
        elif name == "retry" and value and all("0" <= c <= "9" for c in value):
            retry = block_retry = int(value)
    return events, bool(unterminated) or in_block, last_id, retry


# Field names, syntax, line ends, and the awkward bytes: NUL, BOM, U+2028, U+0085, an invalid
# byte and truncated sequences.
_SSE_ATOMS = st.sampled_from(
    [
        *(b"data", b"event", b"id", b"retry", b":", b" ", b"\r", b"\n", b"\r\n", b"a", b"7"),
        *(
            b"\x00",
            b"\xef\xbb\xbf",
            b"\xe2\x80\xa8",
            b"\xc2\x85",
            b"\xff",
            b"\xe2\x82",
            b"\xf0\x9f",
        ),
    ]
)


@settings(max_examples=500, deadline=None)
@given(atoms=st.lists(_SSE_ATOMS, max_size=40), data=st.data())
def test_arbitrary_bytes_match_reference_parser_under_any_split(
    atoms: list[bytes], data: st.DataObject
) -> None:
    raw = b"".join(atoms)
    cuts = data.draw(st.lists(st.integers(0, len(raw)), max_size=8))
    decoder = SSEDecoder()
    events = [e for c in _split(raw, cuts) for e in decoder.feed(c)]
    events += decoder.end()
    assert (events, decoder.pending, decoder.last_event_id, decoder.retry) == _reference(raw)


# ---------------------------------------------------------------- max_event_bytes


@pytest.mark.parametrize(
    "chunks",
    [
        pytest.param([b"data: " + b"x" * 200], id="one unterminated line"),
        pytest.param([b"data: ", *[b"x" * 10] * 20], id="a line growing over many feeds"),
        pytest.param([b": " + b"x" * 200 + b"\n\n"], id="a comment line in one feed"),
        pytest.param([b"data: " + b"x" * 40 + b"\n"] * 5, id="an event of many data lines"),
        pytest.param([b"data: " + b"x" * 60 + b"\n", b"data: " + b"x" * 60], id="data and tail"),
    ],
)
def test_a_line_or_event_over_max_event_bytes_raises(chunks: list[bytes]) -> None:
    decoder = SSEDecoder(max_event_bytes=100)
    with pytest.raises(ResponseTooLargeError) as caught:
        [decoder.feed(chunk) for chunk in chunks]
    assert caught.value.limit == 100


def test_events_up_to_max_event_bytes_and_many_small_events_pass() -> None:
    decoder = SSEDecoder(max_event_bytes=100)
    events = decoder.feed(b"data: " + b"x" * 90 + b"\n\n" + b"data: y\n\n" * 100)
    assert [len(e.data) for e in events] == [90] + [1] * 100
    assert SSEDecoder().feed(b"data: " + b"x" * 10**6 + b"\n\n")[0].data == "x" * 10**6
