"""Calls the mock gateway through a client openapi-python-client generated from openapi.yaml.

Run by tests/consumer/test_openapi_python_client.py with the generator's own venv, never
the dev venv: `python calls.py PACKAGE_PARENT BASE_URL API_KEY`. It imports only the
generated package (`gateway_client`) and prints what each call returned, as one JSON object.
"""

import json
import sys

sys.path.insert(0, sys.argv[1])

from gateway_client import AuthenticatedClient
from gateway_client.api.admin import create_key, list_keys
from gateway_client.api.gateway import create_chat_completion, create_embedding
from gateway_client.api.models import list_models
from gateway_client.models import (
    APIKeyCreateRequest,
    APIKeyPage,
    ChatCompletion,
    ChatCompletionRequest,
    CreatedAPIKey,
    EmbeddingRequest,
    EmbeddingResponse,
    ModelList,
)


def main(base_url: str, api_key: str) -> dict[str, object]:
    client = AuthenticatedClient(base_url=base_url, token=api_key, raise_on_unexpected_status=True)
    with client:
        chat = create_chat_completion.sync(
            client=client,
            body=ChatCompletionRequest.from_dict(
                {"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "Hi"}]}
            ),
        )
        models = list_models.sync(client=client)
        embeddings = create_embedding.sync(
            client=client,
            body=EmbeddingRequest.from_dict(
                {"model": "openai/text-embedding-3-small", "input": ["a", "b"]}
            ),
        )
        created = create_key.sync(client=client, body=APIKeyCreateRequest(name="other-team"))
        keys = list_keys.sync(client=client)
    assert isinstance(chat, ChatCompletion), chat
    assert isinstance(models, ModelList), models
    assert isinstance(embeddings, EmbeddingResponse), embeddings
    assert isinstance(created, CreatedAPIKey), created
    assert isinstance(keys, APIKeyPage), keys
    return {
        "chat": chat.choices[0].message.content,
        "finish_reason": str(chat.choices[0].finish_reason),
        "models": [model.id for model in models.data],
        "embeddings": [len(item.embedding) for item in embeddings.data],
        "created": created.id,
        "keys": [key.id for key in keys.data],
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[2], sys.argv[3])))
