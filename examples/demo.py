"""gatewise end to end against the embedded mock gateway: every surface in a few lines.

Run with `make demo`. It starts `gatewise.testing.MockGateway` on 127.0.0.1 and uses only
public names of the SDK, as an application would.
"""

from __future__ import annotations

import asyncio
import sys

from gatewise import AllProvidersFailed, AsyncGatewise, Gatewise

try:
    from gatewise.testing import MockGateway
except ImportError:  # pragma: no cover - the mock extra is missing
    print("the demo needs the mock gateway: pip install 'gatewise[mock]'")
    sys.exit(0)


def section(title: str) -> None:
    print(f"\n== {title}")


def main() -> None:
    with (
        MockGateway(video_seconds=1.0) as gw,
        Gatewise(
            base_url=gw.url,
            api_key=gw.api_key,
            default_attribution={"team": "demo"},
            models={"smart": ["mock/always-503", "openai/gpt-4o"]},
        ) as client,
    ):
        section("chat")
        answer = client.chat.completions.create(
            model="openai/gpt-4o", messages=[{"role": "user", "content": "Say hello to gatewise"}]
        )
        print(answer.content)
        usage = answer.usage
        print(
            f"provider={answer.provider} trace_id={answer.trace_id} latency_ms={answer.latency_ms}"
        )
        if usage is not None:
            print(
                f"tokens={usage.total_tokens} cost_usd={usage.cost_usd} cache_hit={usage.cache_hit}"
            )

        section("streaming")
        stream = client.chat.completions.create(
            model="openai/gpt-4o-mini",
            messages=[{"role": "user", "content": "Stream these words one by one"}],
            stream=True,
        )
        for text in stream.text_stream:
            print(text, end="", flush=True)
        print()

        section("anthropic model, streamed through the same call")
        stream = client.chat.completions.create(
            model="anthropic/claude-3-5-sonnet-20241022",
            messages=[
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Hello Claude"},
            ],
            stream=True,
        )
        print("".join(stream.text_stream))

        section("fallback chain: 'smart' = mock/always-503 -> openai/gpt-4o")
        rescued = client.chat.completions.create(
            model="smart", messages=[{"role": "user", "content": "Are you there?"}]
        )
        print(f"served by {rescued.model} ({rescued.provider})")
        try:
            client.with_options(max_retries=0).chat.completions.create(
                model="mock/always-503",
                fallbacks=["mock/always-429"],
                messages=[{"role": "user", "content": "x"}],
            )
        except AllProvidersFailed as failure:
            print(
                "all failed:",
                ", ".join(f"{model} -> {type(err).__name__}" for model, err in failure.errors),
            )

        section("completions and embeddings")
        completion = client.completions.create(
            model="meta-llama/Llama-2-7b-chat-hf", prompt="The future is"
        )
        print(repr(completion.choices[0].text))
        vectors = client.embeddings.create(
            model="openai/text-embedding-3-small",
            input=["a", "b"],
            dimensions=4,
            encoding_format="base64",
        )
        print([round(x, 3) for x in vectors.data[0].embedding])

        section("images")
        image = client.images.generate(
            model="openai/dall-e-3", prompt="A red fox", response_format="b64_json"
        )
        print(f"PNG of {len(image.data[0].b64_json or '')} base64 chars")

        section("video job, polled")
        result = client.video.generate(
            model="byteplus/seedance",
            prompt="Cherry blossoms",
            seconds=5,
            poll_interval=0.1,
            on_progress=lambda task: print(
                f"\r  {task.status:<10} {task.progress or 0:>3}%", end="", flush=True
            ),
        )
        print(f"\n  done: {result.url}")

        section("models")
        print([m.id for m in client.models.search("claude")])
        print(client.models.get("openai/gpt-4o").context_window)

        section("admin: keys")
        key = client.admin.keys.create(name="demo-backend", scopes=["chat"])
        print(f"created {key.id} ({key.prefix}...)")
        rotated = client.admin.keys.rotate(key.id)
        print(f"rotated: new secret differs = {rotated.key != key.key}")
        client.admin.keys.revoke(key.id)
        print(f"revoked: active = {client.admin.keys.retrieve(key.id).active}")

        section("admin: config rollback")
        client.admin.config.create(config={"routing": {"strategy": "cost"}})
        client.admin.config.update(config={"routing": {"strategy": "latency"}})
        first = client.admin.config.history()[0].version
        print(client.admin.config.rollback(version=first).config)

        section("admin: log stats by attribution tag")
        for group in client.admin.logs.stats(group_by="attr.team").groups:
            print(group.key, group.requests)

    asyncio.run(async_demo())


async def async_demo() -> None:
    section("async client: three calls at once")
    with MockGateway() as gw:
        async with AsyncGatewise(base_url=gw.url, api_key=gw.api_key) as client:
            answers = await asyncio.gather(
                *(
                    client.chat.completions.create(
                        model="openai/gpt-4o", messages=[{"role": "user", "content": q}]
                    )
                    for q in ("one", "two", "three")
                )
            )
            print([a.content for a in answers])


if __name__ == "__main__":
    main()
