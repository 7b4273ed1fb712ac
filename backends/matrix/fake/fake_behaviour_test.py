#!/usr/bin/python3
"""The fake homeserver's behaviours nio does not exercise, over plain aiohttp:
error shapes, pagination edges, limited and long-polled syncs, 429s, garbage
and dropped /sync answers, bad event bodies, the createRoom rate limit and
the application service. Runs the fake as Parley's tests will, a process
started with --port 0 and stopped with SIGTERM. Exits non-zero on failure.

    /usr/bin/python3 backends/matrix/fake/fake_behaviour_test.py
"""

import asyncio
import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import aiohttp
import yaml
from aiohttp import web

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "support"))

from fake_checks import Failure, check, run_checks  # noqa: E402
SERVER = "fake.test"
HS_TOKEN, AS_TOKEN = "hs-secret", "as-secret"


class Hs:
    """A client for the fake: raw requests, JSON helpers, the control API."""

    def __init__(self, http, base):
        self.http = http
        self.base = base

    async def raw(self, method, path, token=None, body=None, **params):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = body if isinstance(body, bytes) else (json.dumps(body) if body is not None else None)
        async with self.http.request(method, self.base + path, data=data, headers=headers, params=params) as r:
            return r.status, r.headers, await r.read()

    async def call(self, method, path, token=None, body=None, **params):
        status, _, data = await self.raw(method, path, token, body, **params)
        return status, json.loads(data)

    async def ok(self, method, path, token=None, body=None, **params):
        status, out = await self.call(method, path, token, body, **params)
        if status != 200:
            raise Failure(f"{method} {path} -> {status} {out}")
        return out

    def c(self, path):
        return "/_matrix/client/v3" + path

    async def login(self, user, password):
        body = {"type": "m.login.password", "identifier": {"type": "m.id.user", "user": user}, "password": password}
        return (await self.ok("POST", self.c("/login"), body=body))["access_token"]

    async def room(self, token, alias=None, preset="public_chat"):
        body = {"preset": preset, "visibility": "private"}
        if alias:
            body["room_alias_name"] = alias
        return (await self.ok("POST", self.c("/createRoom"), token, body))["room_id"]

    async def send(self, token, room, body, txn=None, **params):
        txn = txn or f"t{time.monotonic_ns()}"
        path = self.c(f"/rooms/{room}/send/m.room.message/{txn}")
        return (await self.ok("PUT", path, token, {"msgtype": "m.text", "body": body}, **params))["event_id"]

    async def messages(self, token, room, **params):
        return await self.ok("GET", self.c(f"/rooms/{room}/messages"), token, **params)

    async def sync(self, token, **params):
        return await self.ok("GET", self.c("/sync"), token, **params)

    async def fake(self, path, body=None):
        return await self.ok("POST", "/_fake" + path, body=body or {})


def msg(body):
    return {"msgtype": "m.text", "body": body}


def as_register(hs, username, **extra):
    body = dict({"type": "m.login.application_service", "username": username}, **extra)
    return hs.call("POST", hs.c("/register"), AS_TOKEN, body)


def texts(events):
    return [e["content"]["body"] for e in events if e["type"] == "m.room.message"]


def limit_filter(n, room=None):
    f = {"room": {"timeline": {"limit": n}}}
    if room:
        f["room"]["rooms"] = [room]
    return json.dumps(f)


async def errors_and_auth(hs):
    status, body = await hs.call("GET", hs.c("/sync"))
    check(status == 401 and body["errcode"] == "M_MISSING_TOKEN", "no token: 401 M_MISSING_TOKEN")
    status, body = await hs.call("GET", hs.c("/sync"), "nope")
    check(status == 401 and body["errcode"] == "M_UNKNOWN_TOKEN", "unknown token: 401 M_UNKNOWN_TOKEN")
    status, body = await hs.call("GET", hs.c("/no/such/endpoint"))
    check(status == 404 and body["errcode"] == "M_UNRECOGNIZED", "unknown endpoint: 404 M_UNRECOGNIZED")
    status, body = await hs.call("POST", hs.c("/login"), body=b"{not json")
    check(status == 400 and body["errcode"] == "M_NOT_JSON", "a body that is not JSON: 400 M_NOT_JSON")
    status, body = await hs.call("POST", hs.c("/login"), body=[1, 2])
    check(status == 400 and body["errcode"] == "M_BAD_JSON", "JSON that is not an object: 400 M_BAD_JSON")
    status, body = await hs.call("DELETE", hs.c("/login"))
    check(status == 405 and body["errcode"] == "M_UNRECOGNIZED", "wrong method: 405 M_UNRECOGNIZED")
    versions = await hs.ok("GET", "/_matrix/client/versions")
    check("v1.1" in versions["versions"], "versions lists v1.1 (the v3 endpoints)")
    token = await hs.login("@carol:" + SERVER, "carolpass")
    who = await hs.ok("GET", hs.c("/account/whoami"), token)
    check(who["user_id"] == f"@carol:{SERVER}", "--user adds a user; a full MXID logs in too")
    await hs.fake("/users", {"user": "gina", "password": "ginapass"})
    legacy = {"type": "m.login.password", "user": "gina", "password": "ginapass"}
    check(
        (await hs.ok("POST", hs.c("/login"), body=legacy))["user_id"] == f"@gina:{SERVER}",
        "a control-API user logs in (legacy `user`)",
    )
    who = await hs.ok("GET", "/_matrix/client/r0/account/whoami", access_token=token)
    check(who["user_id"] == f"@carol:{SERVER}", "r0 paths and ?access_token= work too")
    return token


async def rooms_and_membership(hs, carol):
    dave = await hs.login("dave", "davepass")
    private = await hs.room(carol, preset="private_chat")
    status, body = await hs.call("POST", hs.c(f"/rooms/{private}/join"), dave, {})
    check(status == 403 and body["errcode"] == "M_FORBIDDEN", "joining an invite-only room: 403 M_FORBIDDEN")
    for what, method, path, payload in [
        ("send", "PUT", f"/rooms/{private}/send/m.room.message/x1", {"body": "x"}),
        ("messages", "GET", f"/rooms/{private}/messages", None),
        ("context", "GET", f"/rooms/{private}/context/$x", None),
        ("joined_members", "GET", f"/rooms/{private}/joined_members", None),
    ]:
        status, body = await hs.call(method, hs.c(path), dave, payload, **({"dir": "b"} if what == "messages" else {}))
        check(status == 403 and body["errcode"] == "M_FORBIDDEN", f"{what} by a non-member: 403 M_FORBIDDEN")
    public = await hs.room(carol)
    alias = f"%23later:{SERVER}"  # '#' must be percent-encoded in a path
    await hs.ok("PUT", hs.c(f"/directory/room/{alias}"), carol, {"room_id": public})
    status, body = await hs.call("PUT", hs.c(f"/directory/room/{alias}"), carol, {"room_id": public})
    check(status == 409, "PUT an existing alias: 409")
    found = await hs.ok("GET", hs.c(f"/directory/room/{alias}"))
    check(found["room_id"] == public, "an alias set by PUT resolves")
    joined = await hs.ok("POST", hs.c(f"/rooms/{public}/join"), dave, {})
    check(joined["room_id"] == public, "join by room id")
    await hs.ok("POST", hs.c(f"/join/{alias}"), dave, {})
    timeline = await hs.ok("GET", f"/_fake/rooms/{public}/timeline")
    joins = [e for e in timeline["events"] if e["type"] == "m.room.member" and e["state_key"] == f"@dave:{SERVER}"]
    check(len(joins) == 1, "joining twice makes one membership event")
    # Idempotence is per access token and request path.
    first = await hs.send(carol, public, "once", txn="same")
    again = await hs.send(carol, public, "once more", txn="same")
    other = await hs.send(dave, public, "dave's", txn="same")
    check(first == again and other != first, "txnId: same token same id, another token another event")
    r0_path = f"/_matrix/client/r0/rooms/{public}/send/m.room.message/same"
    v3_then_r0 = await hs.ok("PUT", r0_path, carol, {"body": "r0"})
    check(v3_then_r0["event_id"] == first, "the same txnId over r0 is the same transaction")
    timeline = await hs.ok("GET", f"/_fake/rooms/{public}/timeline")
    check(texts(timeline["events"]) == ["once", "dave's"], "a retried txn adds nothing to the timeline")
    named_body = {"name": "N", "topic": "T", "room_alias_name": "named"}
    named = (await hs.ok("POST", hs.c("/createRoom"), carol, named_body))["room_id"]
    types = [e["type"] for e in (await hs.ok("GET", f"/_fake/rooms/{named}/timeline"))["events"]]
    want = ["create", "member", "power_levels", "join_rules", "history_visibility", "name", "topic", "canonical_alias"]
    check(types == ["m.room." + t for t in want], "createRoom's state events")
    fresh = await hs.room(carol)
    await hs.ok("POST", hs.c(f"/rooms/{fresh}/join"), dave, {})
    return dave, fresh


async def pagination(hs, carol, room):
    ids = [await hs.send(carol, room, f"m{i}") for i in range(7)]
    status, body = await hs.call("GET", hs.c(f"/rooms/{room}/messages"), carol, dir="x")
    check(status == 400 and body["errcode"] == "M_INVALID_PARAM", "bad dir: 400 M_INVALID_PARAM")
    status, body = await hs.call("GET", hs.c(f"/rooms/{room}/messages"), carol, dir="b", **{"from": "$notatoken"})
    check(status == 400 and body["errcode"] == "M_INVALID_PARAM", "an event id is no token: 400 M_INVALID_PARAM")
    flt = json.dumps({"types": ["m.room.message"]})
    default = await hs.messages(carol, room, dir="b")
    check(len(default["chunk"]) == 10, "/messages limit defaults to 10")
    by_sender = await hs.messages(carol, room, dir="b", filter=json.dumps({"senders": [f"@dave:{SERVER}"]}))
    check([e["type"] for e in by_sender["chunk"]] == ["m.room.member"], "filter senders")
    no_msgs_filter = {"not_types": ["m.room.message"], "not_senders": [f"@dave:{SERVER}"]}
    no_msgs = await hs.messages(carol, room, dir="b", filter=json.dumps(no_msgs_filter))
    check(
        no_msgs["chunk"][-1]["type"] == "m.room.create" and len(no_msgs["chunk"]) == 5,
        "filter not_types and not_senders",
    )
    page1 = await hs.messages(carol, room, dir="b", limit="3", filter=flt)
    check(texts(page1["chunk"]) == ["m6", "m5", "m4"] and "end" in page1, "dir=b without from: newest first, with end")
    page2 = await hs.messages(carol, room, dir="b", limit="3", filter=flt, **{"from": page1["end"]})
    check(texts(page2["chunk"]) == ["m3", "m2", "m1"], "`from` is exclusive: the next page continues, no repeat")
    check(page2["start"] == page1["end"], "start echoes from")
    page3 = await hs.messages(carol, room, dir="b", limit="3", filter=flt, **{"from": page2["end"]})
    check(texts(page3["chunk"]) == ["m0"] and "end" not in page3, "the last page has no `end`")
    fwd = await hs.messages(carol, room, dir="f", limit="4", filter=flt, **{"from": page2["end"], "to": page1["end"]})
    check(texts(fwd["chunk"]) == ["m1", "m2", "m3"], "dir=f from a token, stopping at `to`")
    tail = await hs.messages(carol, room, dir="f", limit="10", filter=flt, **{"from": page1["end"]})
    check(texts(tail["chunk"]) == ["m4", "m5", "m6"] and "end" not in tail, "dir=f to the live edge: no `end`")
    await hs.fake("/options", {"forward_end_at_live_edge": True})
    tail = await hs.messages(carol, room, dir="f", limit="10", filter=flt, **{"from": page1["end"]})
    check("end" in tail, "forward_end_at_live_edge: `end` at the live edge, as Synapse does")
    after = await hs.messages(carol, room, dir="f", limit="10", **{"from": tail["end"]})
    check(after["chunk"] == [] and "end" not in after, "...and paging on from it gives an empty chunk")
    await hs.fake("/options", {"forward_end_at_live_edge": False})
    ctx = await hs.ok("GET", hs.c(f"/rooms/{room}/context/{ids[3]}"), carol, limit="0")
    check(
        ctx["events_before"] == [] and ctx["events_after"] == [] and ctx["event"]["event_id"] == ids[3],
        "context limit=0: the event only",
    )
    after = await hs.messages(carol, room, dir="f", limit="10", **{"from": ctx["end"]})
    check(
        [e["event_id"] for e in after["chunk"]] == ids[4:],
        "context limit=0 `end`, then dir=f: what follows, exclusive",
    )
    check(all(not e["event_id"][1:].isdigit() for e in after["chunk"]), "event ids are opaque")
    return ids


async def syncs(hs, carol, dave, room):
    other = await hs.room(carol)
    await hs.send(carol, other, "elsewhere")
    plain = await hs.sync(carol)
    check(len(plain["rooms"]["join"][room]["timeline"]["events"]) == 10, "timeline.limit defaults to 10")
    check(
        all("room_id" not in e for e in plain["rooms"]["join"][room]["timeline"]["events"]),
        "sync events carry no room_id",
    )
    not_rooms = await hs.sync(carol, filter=json.dumps({"room": {"not_rooms": [room]}}))
    check(room not in not_rooms["rooms"]["join"] and other in not_rooms["rooms"]["join"], "filter room.not_rooms")
    initial = await hs.sync(carol, filter=limit_filter(2, room))
    tl = initial["rooms"]["join"][room]["timeline"]
    check(list(initial["rooms"]["join"]) == [room], "filter room.rooms keeps only that room")
    check(texts(tl["events"]) == ["m5", "m6"] and tl["limited"], "initial sync: the newest `limit`, limited")
    older = await hs.messages(carol, room, dir="b", limit="2", **{"from": tl["prev_batch"]})
    check(texts(older["chunk"]) == ["m4", "m3"], "initial sync prev_batch pages back")
    zero = await hs.sync(carol, filter=limit_filter(0), timeout="0")
    check(all(r["timeline"]["events"] == [] for r in zero["rooms"]["join"].values()), "timeline limit 0: no events")
    since = zero["next_batch"]
    await hs.send(dave, room, "after zero")
    inc = await hs.sync(carol, since=since, filter=limit_filter(10), timeout="0")
    check(
        texts(inc["rooms"]["join"][room]["timeline"]["events"]) == ["after zero"],
        "limit-0 next_batch is a valid since",
    )
    since = inc["next_batch"]
    t0 = time.monotonic()
    idle = await hs.sync(carol, since=since, timeout="400")
    waited = time.monotonic() - t0
    check(
        0.35 < waited < 5 and idle["rooms"]["join"] == {} and idle["next_batch"],
        "nothing new: waits `timeout`, then empty",
    )
    for i in range(5):
        await hs.send(dave, room, f"burst{i}")
    lim = await hs.sync(carol, since=since, filter=limit_filter(2), timeout="1000")
    tl = lim["rooms"]["join"][room]["timeline"]
    check(tl["limited"] and texts(tl["events"]) == ["burst3", "burst4"], "incremental: more than limit gives limited")
    gap = await hs.messages(carol, room, dir="b", limit="10", **{"from": tl["prev_batch"], "to": since})
    check(
        texts(gap["chunk"]) == ["burst2", "burst1", "burst0"] and "end" not in gap,
        "prev_batch back to since fills the gap",
    )
    dave_since = (await hs.sync(dave, timeout="0"))["next_batch"]
    await hs.ok("POST", hs.c(f"/rooms/{other}/join"), dave, {})
    joined = (await hs.sync(dave, since=dave_since, timeout="0"))["rooms"]["join"]
    check(list(joined) == [other], "incremental sync: only the room with news")
    check(
        "m.room.create" in [e["type"] for e in joined[other]["state"]["events"]],
        "a room joined since `since` comes with its state",
    )
    status, body = await hs.call("GET", hs.c("/sync"), carol, filter="12345")
    check(status == 400 and body["errcode"] == "M_INVALID_PARAM", "an unknown filter id: 400")
    status, body = await hs.call("POST", hs.c(f"/user/@dave:{SERVER}/filter"), carol, {})
    check(status == 403, "a filter for another user: 403")
    return lim["next_batch"]


async def rate_limits(hs, carol):
    sync_path = "/_matrix/client/v3/sync"
    await hs.fake("/faults", {"kind": "429", "path_prefix": sync_path, "count": 2, "retry_after_ms": 1500})
    await hs.fake("/faults", {"kind": "429", "path_prefix": "/_matrix/client/v3/joined_rooms", "retry_after_header": 3})
    status, body = await hs.call("GET", hs.c("/account/whoami"), carol)
    check(status == 200, "a fault hits only its path prefix")
    for n in (1, 2):
        status, headers, data = await hs.raw("GET", hs.c("/sync"), carol)
        body = json.loads(data)
        check(
            status == 429 and body == {"errcode": "M_LIMIT_EXCEEDED", "error": body["error"], "retry_after_ms": 1500},
            f"429 #{n} with retry_after_ms",
        )
        check("Retry-After" not in headers, f"429 #{n} without Retry-After when not asked")
    status, _ = await hs.call("GET", hs.c("/sync"), carol, timeout="0")
    check(status == 200, "after `count` faults the path answers again")
    status, headers, data = await hs.raw("GET", "/_matrix/client/r0/joined_rooms", carol)
    check(status == 429 and headers.get("Retry-After") == "3", "429 with a Retry-After header (r0 path too)")
    check("retry_after_ms" not in json.loads(data), "...and no retry_after_ms when not asked")
    await hs.fake("/options", {"create_room_ratelimit": {"burst": 2, "per_second": 0.02}})
    statuses = []
    for _ in range(3):
        status, body = await hs.call("POST", hs.c("/createRoom"), carol, {})
        statuses.append(status)
    check(statuses == [200, 200, 429], "createRoom rate limit: burst 2, then 429")
    check(
        body["errcode"] == "M_LIMIT_EXCEEDED" and body["retry_after_ms"] > 10000,
        "the createRoom 429 says how long to wait",
    )
    status, body = await hs.call("POST", hs.c("/createRoom"), AS_TOKEN, {})
    check(status == 200, "an appservice with rate_limited: false is exempt")
    await hs.fake("/options", {"create_room_ratelimit": None})
    status, body = await hs.call("POST", hs.c("/createRoom"), carol, {})
    check(status == 200, "rate limit switched off")


async def garbage(hs, carol, room, since):
    await hs.fake("/faults", {"kind": "invalid_json"})
    _, _, data = await hs.raw("GET", hs.c("/sync"), carol)
    try:
        json.loads(data)
        check(False, "invalid_json is not JSON")
    except json.JSONDecodeError:
        check(True, "garbage /sync: invalid JSON")
    await hs.fake("/faults", {"kind": "wrong_shape"})
    body = await hs.sync(carol)
    check(not isinstance(body["next_batch"], str), "garbage /sync: JSON of the wrong shape")
    await hs.fake("/faults", {"kind": "raw", "raw_b64": base64.b64encode(b"\xff\xfe\x00junk").decode()})
    _, _, data = await hs.raw("GET", hs.c("/sync"), carol)
    check(data == b"\xff\xfe\x00junk", "garbage /sync: exactly the raw bytes asked for")
    await hs.fake("/faults", {"kind": "drop"})
    try:
        await hs.raw("GET", hs.c("/sync"), carol)
        check(False, "drop cuts the connection")
    except aiohttp.ClientPayloadError:
        check(True, "drop: the connection is cut mid-response")
    status, _ = await hs.call("GET", hs.c("/sync"), carol, timeout="0")
    check(status == 200, "after a dropped response the next /sync is fine")

    inject = f"/rooms/{room}/inject"
    lone = await hs.fake(inject, {"sender": "erin", "content": msg("bad \udc80 half")})
    bad_bytes = base64.b64encode(b"x\xff\xc3(y").decode()
    raw = await hs.fake(inject, {"sender": "erin", "content": {"msgtype": "m.text"}, "body_bytes_b64": bad_bytes})
    none = await hs.fake(inject, {"sender": "erin", "content": {"msgtype": "m.text"}})
    _, _, data = await hs.raw("GET", hs.c(f"/rooms/{room}/messages"), carol, dir="b", limit="3")
    check(b'"bad \\udc80 half"' in data, "a lone surrogate travels as a \\udc80 escape")
    check(b'"x\xff\xc3(y"' in data, "a raw-bytes body is invalid UTF-8 on the wire")
    try:
        data.decode("utf-8")
        check(False, "the page is not UTF-8")
    except UnicodeDecodeError:
        check(True, "the /messages page with it is not valid UTF-8")
    _, _, data = await hs.raw("GET", hs.c("/sync"), carol, since=since, timeout="0")
    check(b"x\xff\xc3(y" in data and lone["event_id"].encode() in data, "/sync carries the bad events too")
    page = json.loads(data.decode("utf-8", "replace"))
    tl = page["rooms"]["join"][room]["timeline"]["events"]
    check(tl[0]["type"] == "m.room.member" and tl[0]["sender"] == f"@erin:{SERVER}", "inject joins the human first")
    check(tl[-1]["event_id"] == none["event_id"] and "body" not in tl[-1]["content"], "an event without body")
    check(raw["room_id"] == room, "inject answers the room id")


async def appservice(hs, received, fail_first):
    status, body = await as_register(hs, "someone")
    check(status == 400 and body["errcode"] == "M_EXCLUSIVE", "registering outside the namespace: M_EXCLUSIVE")
    status, body = await hs.call("POST", hs.c("/register"), None, {"username": "x", "password": "y"})
    check(status == 403, "ordinary registration is disabled")
    ghost = f"@parley_ghost:{SERVER}"
    status, body = await hs.call("PUT", hs.c("/rooms/!r:x/send/m.room.message/1"), AS_TOKEN, msg("x"), user_id=ghost)
    check(status == 403 and body["errcode"] == "M_FORBIDDEN", "masquerading as an unregistered user: 403")
    status, reg = await as_register(hs, "parley_alpha", inhibit_login=True)
    check(
        status == 200 and reg["user_id"] == f"@parley_alpha:{SERVER}" and "access_token" not in reg,
        "implicit registration in the namespace",
    )
    status, beta = await as_register(hs, "parley_beta")
    check(status == 200 and beta["access_token"], "registration gives a token unless inhibit_login")
    status, body = await as_register(hs, "parley_beta")
    check(status == 400 and body["errcode"] == "M_USER_IN_USE", "registering a taken user: M_USER_IN_USE")
    alpha = {"user_id": f"@parley_alpha:{SERVER}"}
    status, body = await hs.call("POST", hs.c("/createRoom"), AS_TOKEN, {}, user_id=f"@carol:{SERVER}")
    check(status == 403, "masquerading outside the namespace: 403")
    as_room = {"room_alias_name": "parley_as", "preset": "public_chat"}
    room = (await hs.ok("POST", hs.c("/createRoom"), AS_TOKEN, as_room, **alpha))["room_id"]
    await hs.ok("POST", hs.c(f"/join/%23parley_as:{SERVER}"), AS_TOKEN, {}, user_id=f"@parley_beta:{SERVER}")
    sent = await hs.send(AS_TOKEN, room, "from alpha", **alpha)
    human = await hs.fake(f"/rooms/{room}/inject", {"sender": "frank", "content": msg("hi agents")})
    quiet = await hs.room(await hs.login("carol", "carolpass"))
    await hs.fake(f"/rooms/{quiet}/inject", {"sender": "frank", "content": msg("not for the AS")})
    timeline = await hs.ok("GET", f"/_fake/rooms/{room}/timeline")
    by_id = {e["event_id"]: e for e in timeline["events"]}
    check(by_id[sent]["sender"] == alpha["user_id"], "a masqueraded send is from the masqueraded user")
    want = [e["event_id"] for e in timeline["events"]]
    for _ in range(100):
        got = [e["event_id"] for t in received for e in t["events"] if e["room_id"] == room]
        if got == want:
            break
        await asyncio.sleep(0.05)
    check(got == want, "every event in a room with appservice users is pushed, once, in order")
    check(sent in got and human["event_id"] in got, "own sends and the human's both reach the appservice")
    check(
        all(e["room_id"] != quiet for t in received for e in t["events"]),
        "rooms without appservice users are not pushed",
    )
    check(all(t["auth"] == f"Bearer {HS_TOKEN}" for t in received), "transactions carry Authorization: Bearer hs_token")
    check(
        received[0]["txn_id"] == fail_first["txn_id"] and fail_first["attempts"] >= 2,
        "a failed transaction is retried with the same txnId",
    )
    log = await hs.ok("GET", "/_fake/appservice/transactions")
    delivered = [t["txn_id"] for t in log["delivered"]]
    check(
        delivered and delivered == [t["txn_id"] for t in received][-len(delivered):],
        "the control API lists delivered transactions",
    )
    check(len(set(t["txn_id"] for t in received)) == len(received), "txnIds are never reused, not even across a reset")


async def cli_flags():
    """--no-password-login and --create-room-ratelimit hold from start, and across a reset."""
    flags = ["--port", "0", "--no-password-login", "--create-room-ratelimit"]
    cmd = [sys.executable, os.path.join(HERE, "fake_homeserver.py")] + flags
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        port = proc.stdout.readline().split()[1]
        async with aiohttp.ClientSession() as http:
            hs = Hs(http, f"http://127.0.0.1:{port}")
            await hs.fake("/reset")
            legacy = {"type": "m.login.password", "user": "parley", "password": "parleypass"}
            status, body = await hs.call("POST", hs.c("/login"), body=legacy)
            check(
                status == 404 and body["errcode"] == "M_UNRECOGNIZED",
                "--no-password-login: /login is M_UNRECOGNIZED",
            )
            flows = await hs.ok("GET", hs.c("/login"))
            check({"type": "m.login.password"} not in flows["flows"], "...and GET /login offers no password flow")
            token = (await hs.fake("/tokens", {"user": "parley"}))["access_token"]
            statuses = [(await hs.call("POST", hs.c("/createRoom"), token, {}))[0] for _ in range(3)]
            check(statuses == [200, 200, 429], "--create-room-ratelimit: burst 2, then 429")
        proc.send_signal(signal.SIGTERM)
        check(proc.wait(timeout=10) == 0, "SIGTERM: clean exit 0 (second process)")
    finally:
        if proc.poll() is None:
            proc.kill()


async def start_receiver():
    """The appservice's side: records transactions, refuses the first attempt with 500."""
    received, fail_first = [], {"txn_id": None, "attempts": 0}

    async def transaction(request):
        txn = request.match_info["txn"]
        fail_first["attempts"] += fail_first["txn_id"] in (None, txn)
        if fail_first["txn_id"] is None:
            fail_first["txn_id"] = txn
            return web.json_response({"errcode": "M_UNKNOWN", "error": "not yet"}, status=500)
        if txn not in [t["txn_id"] for t in received]:
            body = await request.json()
            received.append({"txn_id": txn, "auth": request.headers.get("Authorization"), "events": body["events"]})
        return web.json_response({})

    app = web.Application()
    app.add_routes([web.put("/_matrix/app/v1/transactions/{txn}", transaction)])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, runner.addresses[0][1], received, fail_first


async def run(tmp):
    runner, as_port, received, fail_first = await start_receiver()
    reg = {
        "id": "parley", "url": f"http://127.0.0.1:{as_port}", "as_token": AS_TOKEN, "hs_token": HS_TOKEN,
        "sender_localpart": "parley_bridge", "rate_limited": False,
        "namespaces": {"users": [{"exclusive": True, "regex": f"@parley_.*:{SERVER}"}], "aliases": [], "rooms": []},
    }
    reg_path = os.path.join(tmp, "registration.yaml")
    with open(reg_path, "w") as f:
        yaml.safe_dump(reg, f)  # the YAML a Synapse registration file is written in
    cmd = [sys.executable, os.path.join(HERE, "fake_homeserver.py"), "--port", "0", "--server-name", SERVER,
           "--appservice-registration", reg_path, "--user", "carol:carolpass", "--user", "dave:davepass"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().split()
        check(line[0] == "PORT" and int(line[1]) > 0, "prints PORT <n> once listening")
        async with aiohttp.ClientSession() as http:
            hs = Hs(http, f"http://127.0.0.1:{line[1]}")
            carol = await errors_and_auth(hs)
            dave, room = await rooms_and_membership(hs, carol)
            await pagination(hs, carol, room)
            since = await syncs(hs, carol, dave, room)
            await rate_limits(hs, carol)
            await garbage(hs, carol, room, since)
            await hs.fake("/reset")
            status, _ = await hs.call("GET", hs.c("/account/whoami"), carol)
            check(status == 401, "reset forgets tokens")
            await appservice(hs, received, fail_first)
        proc.send_signal(signal.SIGTERM)
        check(proc.wait(timeout=10) == 0, "SIGTERM: clean exit 0")
    finally:
        if proc.poll() is None:
            proc.kill()
        await runner.cleanup()
    await cli_flags()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        sys.exit(run_checks(run(tmp), "fake behaviour"))
