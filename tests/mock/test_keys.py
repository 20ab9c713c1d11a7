"""Admin state is real: keys authenticate, scopes gate, rotation and revocation bite at once."""

from __future__ import annotations

import httpx
import pytest

from gatewise.testing import MockGateway

from .conftest import ClientFactory, chat_body


def test_missing_and_unknown_keys_get_401_in_the_error_envelope(make_client: ClientFactory) -> None:
    for client in (make_client(key=None), make_client(key="gw-not-a-key")):
        answer = client.post("/v1/chat/completions", json=chat_body())
        assert answer.status_code == 401
        error = answer.json()["error"]
        assert error["type"] == "authentication_error"
        assert error["code"] in ("missing_api_key", "invalid_api_key")


def test_a_key_without_the_scope_gets_403(gw: MockGateway, make_client: ClientFactory) -> None:
    client = make_client(gw.create_key(scopes=["embeddings"]))
    denied = client.post("/v1/chat/completions", json=chat_body())
    assert denied.status_code == 403
    assert denied.json()["error"]["details"]["required_scope"] == "chat"
    assert client.get("/v1/admin/keys").status_code == 403
    allowed = client.post("/v1/embeddings", json={"model": "text-embedding-3-small", "input": "hi"})
    assert allowed.status_code == 200


def test_admin_scope_implies_every_other_scope(gw: MockGateway, make_client: ClientFactory) -> None:
    client = make_client(gw.create_key(scopes=["admin"]))
    assert client.post("/v1/chat/completions", json=chat_body()).status_code == 200
    assert client.get("/v1/models").status_code == 200


def test_key_lifecycle_create_use_rotate_revoke(
    client: httpx.Client, make_client: ClientFactory
) -> None:
    created = client.post("/v1/admin/keys", json={"name": "backend", "scopes": ["chat"]})
    assert created.status_code == 201
    key = created.json()
    assert key["key"].startswith(key["prefix"])
    assert key["active"] is True
    user = make_client(key["key"])
    assert user.post("/v1/chat/completions", json=chat_body()).status_code == 200
    assert client.get(f"/v1/admin/keys/{key['id']}").json()["last_used_at"] is not None

    rotated = client.post(f"/v1/admin/keys/{key['id']}/rotate").json()
    assert rotated["id"] == key["id"]
    assert rotated["key"] != key["key"]
    assert user.post("/v1/chat/completions", json=chat_body()).status_code == 401
    rotated_user = make_client(rotated["key"])
    assert rotated_user.post("/v1/chat/completions", json=chat_body()).status_code == 200

    assert client.post(f"/v1/admin/keys/{key['id']}/revoke").status_code == 204
    revoked = rotated_user.post("/v1/chat/completions", json=chat_body())
    assert revoked.status_code == 401
    assert revoked.json()["error"]["code"] == "key_revoked"
    assert client.get(f"/v1/admin/keys/{key['id']}").json()["active"] is False

    assert client.delete(f"/v1/admin/keys/{key['id']}").status_code == 204
    assert client.get(f"/v1/admin/keys/{key['id']}").status_code == 404


def test_deactivated_and_expired_keys_get_401(
    client: httpx.Client, make_client: ClientFactory
) -> None:
    key = client.post("/v1/admin/keys", json={"name": "temp"}).json()
    user = make_client(key["key"])
    client.patch(f"/v1/admin/keys/{key['id']}", json={"active": False})
    assert (
        user.post("/v1/chat/completions", json=chat_body()).json()["error"]["code"]
        == "key_inactive"
    )
    client.patch(f"/v1/admin/keys/{key['id']}", json={"active": True})
    assert user.post("/v1/chat/completions", json=chat_body()).status_code == 200
    updated = client.patch(
        f"/v1/admin/keys/{key['id']}", json={"expires_at": "2001-01-01T00:00:00Z"}
    )
    assert updated.json()["expires_at"] == "2001-01-01T00:00:00.000Z"
    assert (
        user.post("/v1/chat/completions", json=chat_body()).json()["error"]["code"] == "key_expired"
    )


@pytest.mark.parametrize(
    "stamp",
    [
        "",
        "2027-01-01",  # a bare date
        "2027-01-01T00:00:00",  # no time zone
        "2027-01-01 00:00:00Z",
        "2027-13-01T00:00:00Z",
        "tomorrow",
        " 2027-01-01T00:00:00Z",
    ],
)
def test_expires_at_must_be_an_rfc_3339_date_time_with_a_time_zone(
    gw: MockGateway, client: httpx.Client, stamp: str
) -> None:
    created = client.post("/v1/admin/keys", json={"name": "x", "expires_at": stamp})
    assert created.status_code == 422
    assert created.json()["error"]["details"]["errors"][0]["loc"] == ["expires_at"]
    assert "RFC 3339" in created.json()["error"]["message"]
    key = client.post("/v1/admin/keys", json={"name": "y"}).json()
    patched = client.patch(f"/v1/admin/keys/{key['id']}", json={"expires_at": stamp})
    assert patched.status_code == 422
    assert client.get(f"/v1/admin/keys/{key['id']}").json()["expires_at"] is None
    usage = client.get("/v1/admin/keys/usage", params={"since": stamp})
    assert usage.status_code == 422
    with pytest.raises(ValueError, match="RFC 3339"):
        gw.create_key(expires_at=stamp)


def test_expires_at_takes_any_offset_and_null_means_never(client: httpx.Client) -> None:
    created = client.post(
        "/v1/admin/keys", json={"name": "x", "expires_at": "2999-01-01t02:00:00.5+02:00"}
    )
    assert created.status_code == 201
    assert created.json()["expires_at"] == "2999-01-01T00:00:00.500Z"
    path = f"/v1/admin/keys/{created.json()['id']}"
    assert client.patch(path, json={"expires_at": None}).json()["expires_at"] is None
    never = client.post("/v1/admin/keys", json={"name": "y", "expires_at": None})
    assert (never.status_code, never.json()["expires_at"]) == (201, None)


def test_a_key_cannot_revoke_delete_or_deactivate_itself(
    gw: MockGateway, client: httpx.Client, make_client: ClientFactory
) -> None:
    own = "/v1/admin/keys/key_admin"
    for answer in (
        client.post(f"{own}/revoke"),
        client.delete(own),
        client.patch(own, json={"active": False}),
    ):
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "key_in_use"
        assert "lock you out" in answer.json()["error"]["message"]
    assert client.get(own).json()["active"] is True
    assert client.patch(own, json={"name": "root"}).json()["name"] == "root"
    # Another admin key may revoke it; rotating one's own key is fine (the answer has the secret).
    other = make_client(gw.create_key("second admin", ["admin"]))
    rotated = client.post(f"{own}/rotate").json()["key"]
    assert make_client(rotated).get(own).status_code == 200
    assert other.post(f"{own}/revoke").status_code == 204
    assert make_client(rotated).get(own).status_code == 401


def test_scopes_are_validated_and_unknown_keys_are_404(client: httpx.Client) -> None:
    bad = client.post("/v1/admin/keys", json={"name": "x", "scopes": ["everything"]})
    assert bad.status_code == 422
    assert bad.json()["error"]["details"]["errors"][0]["loc"] == ["scopes", 0]
    assert client.post("/v1/admin/keys/key_nope/rotate").status_code == 404


def test_keys_list_pages_with_total(client: httpx.Client) -> None:
    for name in ("a", "b", "c"):
        client.post("/v1/admin/keys", json={"name": name})
    first = client.get("/v1/admin/keys", params={"limit": 2}).json()
    assert (len(first["data"]), first["has_more"], first["total"]) == (2, True, 4)
    rest = client.get("/v1/admin/keys", params={"limit": 2, "offset": 2}).json()
    assert (len(rest["data"]), rest["has_more"]) == (2, False)
    assert client.get("/v1/admin/keys", params={"limit": 0}).status_code == 422


def test_usage_counts_real_requests_per_key(
    gw: MockGateway, client: httpx.Client, make_client: ClientFactory
) -> None:
    busy = make_client(gw.create_key("busy", ["chat"]))
    quiet = make_client(gw.create_key("quiet", ["chat"]))
    for text in ("one two", "three four five", "six"):
        busy.post("/v1/chat/completions", json=chat_body(text))
    quiet.post("/v1/chat/completions", json=chat_body("seven"))

    page = client.get("/v1/admin/keys/usage").json()
    rows = {row["name"]: row for row in page["data"]}
    assert rows["busy"]["requests"] == 3
    assert rows["quiet"]["requests"] == 1
    assert rows["busy"]["tokens"] == 2 * (2 + 3 + 1)  # the echo answers as many words as asked
    assert rows["busy"]["cost_usd"] > rows["quiet"]["cost_usd"] > 0
    assert page["data"][0]["name"] == "busy"  # descending by requests

    ascending = client.get("/v1/admin/keys/usage", params={"sort": "+requests", "limit": 1}).json()
    assert ascending["data"][0]["requests"] == 0
    assert ascending["has_more"] is True
    future = client.get("/v1/admin/keys/usage", params={"since": "2999-01-01T00:00:00Z"}).json()
    assert all(row["requests"] == 0 for row in future["data"])
    assert client.get("/v1/admin/keys/usage", params={"sort": "shoe_size"}).status_code == 422


def test_quota_from_config_answers_429_insufficient_quota(
    gw: MockGateway, client: httpx.Client, make_client: ClientFactory
) -> None:
    client.patch("/v1/admin/config", json={"config": {"quota": {"requests_per_key": 1}}})
    user = make_client(gw.create_key(scopes=["chat"]))
    assert user.post("/v1/chat/completions", json=chat_body()).status_code == 200
    spent = user.post("/v1/chat/completions", json=chat_body())
    assert spent.status_code == 429
    assert spent.json()["error"]["code"] == "insufficient_quota"
    assert "retry-after" not in spent.headers
