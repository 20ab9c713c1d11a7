"""A consumer's program using the installed wheel without extras (run by tests/install/run.py).

GATEWISE_BASE_URL and GATEWISE_API_KEY point it at a mock gateway started elsewhere.
Type-checked with mypy --strict against the installed package as well.
"""

from __future__ import annotations

import gatewise
from gatewise import Gatewise, NotFoundError


def main() -> None:
    print("gatewise", gatewise.__version__, "from", gatewise.__file__)
    with Gatewise() as client:
        reply = client.chat.completions.create(
            model="openai/gpt-4o", messages=[{"role": "user", "content": "Hi"}]
        )
        assert reply.content, reply
        text = "".join(
            client.chat.completions.create(
                model="openai/gpt-4o", messages=[{"role": "user", "content": "Hi"}], stream=True
            ).text_stream
        )
        assert text, "the stream gave no text"
        try:
            client.models.retrieve("no-such/model")
        except NotFoundError:
            pass
        else:
            raise AssertionError("an unknown model did not raise")
    print("chat:", reply.content)


if __name__ == "__main__":
    main()
