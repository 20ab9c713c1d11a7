"""The model catalogue: filters, search, retrieve by (percent-encoded) id, server info."""

from __future__ import annotations

import httpx

SEED_MODELS = {
    "openai/gpt-4o",
    "openai/gpt-4o-mini",
    "anthropic/claude-3-5-sonnet-20241022",
    "meta-llama/Llama-2-7b-chat-hf",
    "openai/dall-e-2",
    "openai/dall-e-3",
    "openai/text-embedding-3-small",
    "byteplus/seedance",
    "mock/always-503",
    "mock/always-429",
    "mock/slow",
    "mock/stream-cut",
    "mock/video-fail",
}


def ids(answer: httpx.Response) -> set[str]:
    return {model["id"] for model in answer.json()["data"]}


def test_the_catalogue_lists_the_seed_models(client: httpx.Client) -> None:
    assert ids(client.get("/v1/models")) >= SEED_MODELS


def test_models_filter_by_provider_and_capability(client: httpx.Client) -> None:
    openai_chat = ids(client.get("/v1/models", params={"provider": "openai", "capability": "chat"}))
    assert openai_chat == {"openai/gpt-4o", "openai/gpt-4o-mini"}
    embedders = client.get("/v1/models", params={"capability": "embeddings"}).json()["data"]
    assert all("embeddings" in model["capabilities"] for model in embedders)
    assert ids(client.get("/v1/models", params={"provider": "nobody"})) == set()


def test_search_matches_substrings_and_wins_over_retrieve(client: httpx.Client) -> None:
    found = ids(client.get("/v1/models/search", params={"q": "CLAUDE"}))
    assert "anthropic/claude-3-5-sonnet-20241022" in found
    assert all("claude" in model_id for model_id in found)
    assert client.get("/v1/models/search").status_code == 422


def test_retrieve_takes_percent_encoded_ids_and_plain_names(client: httpx.Client) -> None:
    encoded = client.get("/v1/models/openai%2Fgpt-4o")
    assert encoded.status_code == 200
    assert encoded.json()["id"] == "openai/gpt-4o"
    assert (
        client.get("/v1/models/meta-llama%2FLlama-2-7b-chat-hf").json()["provider"] == "meta-llama"
    )
    assert client.get("/v1/models/gpt-4o").json()["id"] == "openai/gpt-4o"
    assert client.get("/v1/models/openai/gpt-4o-mini").json()["id"] == "openai/gpt-4o-mini"
    missing = client.get("/v1/models/openai%2Fgpt-9")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "model_not_found"


def test_info_reports_version_models_and_uptime(client: httpx.Client) -> None:
    info = client.get("/v1/info").json()
    assert set(info["models"]) >= SEED_MODELS
    assert info["uptime"] >= 0
    assert info["version"].startswith("gatewise-mock")
