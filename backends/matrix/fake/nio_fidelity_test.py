#!/usr/bin/python3
"""The fake homeserver's honesty test: matrix-nio, a real Matrix client
library (Debian's python3-matrix-nio), logs in, syncs, creates and joins a
room by alias, sends, paginates both ways and asks for context against the
fake, and what nio parses must be right. Exits non-zero on the first failure.

    /usr/bin/python3 backends/matrix/fake/nio_fidelity_test.py
"""

import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "support"))

import aiohttp  # noqa: E402
import nio  # noqa: E402

from fake_checks import check, run_checks  # noqa: E402
from fake_homeserver import FakeHomeserver  # noqa: E402

SERVER = "parley.local"
ALIAS = f"#parley_ctx:{SERVER}"


def client(url, user):
    config = nio.AsyncClientConfig(encryption_enabled=False, max_limit_exceeded=3, max_timeouts=2)
    return nio.AsyncClient(url, user, config=config)


def bodies(events):
    return [e.body for e in events if isinstance(e, nio.RoomMessageText)]


async def control(url, path, body):
    async with aiohttp.ClientSession() as http:
        async with http.post(url + path, json=body) as resp:
            return await resp.json()


async def faults_left(url):
    async with aiohttp.ClientSession() as http:
        async with http.get(url + "/_fake/faults") as resp:
            return (await resp.json())["queued"]


async def login_and_whoami(url):
    parley = client(url, "parley")
    bad = await parley.login("wrong")
    check(isinstance(bad, nio.LoginError) and bad.status_code == "M_FORBIDDEN", "bad password: M_FORBIDDEN")
    resp = await parley.login("parleypass")
    check(isinstance(resp, nio.LoginResponse), "password login")
    check(
        resp.user_id == f"@parley:{SERVER}" and resp.device_id and resp.access_token,
        "login gives user_id, device_id, token",
    )
    who = await parley.whoami()
    check(
        isinstance(who, nio.responses.WhoamiResponse) and who.user_id == resp.user_id,
        "whoami names the logged-in user",
    )
    return parley


async def create_and_join(parley, alice):
    missing = await parley.room_resolve_alias(ALIAS)
    check(isinstance(missing, nio.RoomResolveAliasError), "unknown alias does not resolve")
    created = await parley.room_create(alias="parley_ctx", preset=nio.RoomPreset.public_chat)
    check(isinstance(created, nio.RoomCreateResponse), "createRoom with an alias")
    again = await parley.room_create(alias="parley_ctx", preset=nio.RoomPreset.public_chat)
    check(isinstance(again, nio.RoomCreateError) and again.status_code == "M_ROOM_IN_USE", "taken alias: M_ROOM_IN_USE")
    resolved = await parley.room_resolve_alias(ALIAS)
    check(
        isinstance(resolved, nio.RoomResolveAliasResponse) and resolved.room_id == created.room_id,
        "alias resolves to the room",
    )
    check(resolved.servers == [SERVER], "alias lists the server")
    joined = await alice.join(ALIAS)
    check(isinstance(joined, nio.JoinResponse) and joined.room_id == created.room_id, "second user joins by alias")
    return created.room_id


async def send_messages(url, parley, alice, room_id):
    ids = []
    for i in range(6):
        resp = await parley.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": f"p{i}"})
        check(isinstance(resp, nio.RoomSendResponse) and resp.event_id.startswith("$"), f"send p{i}")
        ids.append(resp.event_id)
    reply = {
        "msgtype": "m.text",
        "body": "> p1\n\nreply to p1",
        "m.relates_to": {"m.in_reply_to": {"event_id": ids[1]}},
    }
    # A 429 first: nio must read retry_after_ms and retry on its own.
    fault = {"kind": "429", "path_prefix": "/_matrix/client/v3/rooms/", "retry_after_ms": 50}
    await control(url, "/_fake/faults", fault)
    resp = await alice.room_send(room_id, "m.room.message", reply, tx_id="alice-reply-1")
    check(isinstance(resp, nio.RoomSendResponse), "send after a 429 with retry_after_ms")
    check(await faults_left(url) == [], "the queued 429 was served (and nio retried)")
    same = await alice.room_send(room_id, "m.room.message", reply, tx_id="alice-reply-1")
    check(same.event_id == resp.event_id, "the same txnId gives back the same event id")
    return ids + [resp.event_id]


async def sync_sees_everything(parley, room_id, since, sent_ids):
    resp = await parley.sync(timeout=1000, since=since)
    check(isinstance(resp, nio.SyncResponse), "incremental sync")
    tl = resp.rooms.join[room_id].timeline
    msgs = [e for e in tl.events if isinstance(e, nio.RoomMessageText)]
    check([e.event_id for e in msgs] == sent_ids, "sync timeline holds every send, in order, own sends echoed")
    check(msgs[-1].sender == f"@alice:{SERVER}", "the reply's sender is alice")
    relates = msgs[-1].source["content"].get("m.relates_to", {})
    check(relates == {"m.in_reply_to": {"event_id": sent_ids[1]}}, "m.relates_to kept verbatim")
    check(msgs[0].source.get("unsigned", {}).get("transaction_id"), "own send carries unsigned.transaction_id")
    stamps = [e.server_timestamp for e in msgs]
    check(stamps == sorted(stamps) and len(set(stamps)) == len(stamps), "origin_server_ts strictly increasing")
    check(not tl.limited, "a sync within the default limit is not limited")
    check(bool(tl.prev_batch), "prev_batch is given even when not limited")
    return resp.next_batch


async def limited_sync(parley, room_id, since, sent_ids):
    uploaded = await parley.upload_filter(room={"rooms": [room_id], "timeline": {"limit": 3}})
    check(isinstance(uploaded, nio.UploadFilterResponse) and uploaded.filter_id, "filter uploaded")
    resp = await parley.sync(timeout=0, since=since, sync_filter=uploaded.filter_id)
    tl = resp.rooms.join[room_id].timeline
    check(tl.limited and tl.prev_batch, "more than timeline.limit new events: limited with prev_batch")
    check([e.event_id for e in tl.events] == sent_ids[-3:], "a limited timeline holds the newest `limit` events")
    back = await parley.room_messages(room_id, tl.prev_batch, direction=nio.MessageDirection.back, limit=4)
    check(isinstance(back, nio.RoomMessagesResponse), "messages from prev_batch")
    check(
        [e.event_id for e in back.chunk] == list(reversed(sent_ids[:-3]))[:4],
        "prev_batch pages back to the older events",
    )


async def paginate(parley, room_id, sent_ids):
    seen, token = [], ""
    for _ in range(20):
        page = await parley.room_messages(room_id, token, direction=nio.MessageDirection.back, limit=3)
        check(isinstance(page, nio.RoomMessagesResponse) and len(page.chunk) <= 3, "a backward page")
        seen += page.chunk
        if page.end is None:
            break
        token = page.end
    check(page.end is None, "backward paging ends with no `end` token")
    check(isinstance(seen[-1], nio.RoomCreateEvent), "the oldest event is m.room.create")
    ids = [e.event_id for e in seen]
    check(len(ids) == len(set(ids)), "no event twice across backward pages")
    check([i for i in ids if i in sent_ids] == list(reversed(sent_ids)), "backward pages are newest first")

    ctx = await parley.room_context(room_id, sent_ids[2], limit=2)
    check(isinstance(ctx, nio.RoomContextResponse), "context")
    check(ctx.event.event_id == sent_ids[2], "context returns the event")
    check([e.event_id for e in ctx.events_before] == [sent_ids[1]], "events_before: half the limit, newest first")
    check([e.event_id for e in ctx.events_after] == [sent_ids[3]], "events_after: the other half")
    forward, token = [], ctx.end
    for _ in range(20):
        page = await parley.room_messages(room_id, token, direction=nio.MessageDirection.front, limit=2)
        forward += page.chunk
        if page.end is None:
            break
        token = page.end
    check([e.event_id for e in forward] == sent_ids[4:], "forward from context `end` is exclusive and complete")
    back = await parley.room_messages(room_id, ctx.start, direction=nio.MessageDirection.back, limit=1)
    check([e.event_id for e in back.chunk] == [sent_ids[0]], "back from context `start` continues before events_before")
    unknown = await parley.room_context(room_id, "$nonexistent", limit=2)
    check(
        isinstance(unknown, nio.RoomContextError) and unknown.status_code == "M_NOT_FOUND",
        "unknown event: M_NOT_FOUND",
    )


async def long_poll(parley, alice, room_id, since):
    started = time.monotonic()
    pending = asyncio.ensure_future(parley.sync(timeout=10000, since=since))
    await asyncio.sleep(0.3)
    check(not pending.done(), "sync with nothing new waits")
    await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "wake up"})
    resp = await asyncio.wait_for(pending, 5)
    check(time.monotonic() - started < 5, "a new event wakes the long poll")
    check(bodies(resp.rooms.join[room_id].timeline.events) == ["wake up"], "the woken sync carries the new event")


async def refusals(url, room_id):
    bob = client(url, "bob")
    await bob.login("bobpass")
    denied = await bob.room_messages(room_id, "", limit=5)
    check(isinstance(denied, nio.RoomMessagesError) and denied.status_code == "M_FORBIDDEN", "non-member: M_FORBIDDEN")
    minted = await control(url, "/_fake/tokens", {"user": "bob"})
    token_client = client(url, "")
    token_client.restore_login(minted["user_id"], minted["device_id"], minted["access_token"])
    who = await token_client.whoami()
    check(isinstance(who, nio.responses.WhoamiResponse) and who.user_id == f"@bob:{SERVER}", "token + user_id login")
    await control(url, "/_fake/options", {"password_login": False})
    refused_client = client(url, "parley")
    refused = await refused_client.login("parleypass")
    check(
        isinstance(refused, nio.LoginError) and refused.status_code == "M_UNRECOGNIZED",
        "password login off: M_UNRECOGNIZED",
    )
    for c in (bob, token_client, refused_client):
        await c.close()


async def run():
    hs = FakeHomeserver(SERVER, {"parley": "parleypass", "alice": "alicepass", "bob": "bobpass"})
    url = f"http://127.0.0.1:{await hs.start()}"
    parley = alice = None
    try:
        parley = await login_and_whoami(url)
        first = await parley.sync(timeout=0)
        check(isinstance(first, nio.SyncResponse) and first.next_batch, "initial sync gives next_batch")
        alice = client(url, "alice")
        await alice.login("alicepass")
        room_id = await create_and_join(parley, alice)
        since = (await parley.sync(timeout=0, since=first.next_batch)).next_batch
        sent = await send_messages(url, parley, alice, room_id)
        next_batch = await sync_sees_everything(parley, room_id, since, sent)
        await limited_sync(parley, room_id, since, sent)
        await paginate(parley, room_id, sent)
        await long_poll(parley, alice, room_id, next_batch)
        await refusals(url, room_id)
    finally:
        for c in (parley, alice):
            if c is not None:
                await c.close()
        await hs.stop()


if __name__ == "__main__":
    sys.exit(run_checks(run(), "nio fidelity"))
