#!/usr/bin/python3
"""A person in a Matrix room, played by matrix-nio (an independent client).

Tests drive it over stdin/stdout with one JSON object per line:

  in:  {"op": "say", "body": "...", "reply_to": "<event id>"}   (reply_to optional)
       {"op": "quit"}
  out: {"event": "joined", "room_id": ...}
       {"event": "online", "user": "@x:server"}                 (someone joined the room)
       {"event": "message", "sender": ..., "body": ..., "event_id": ..., "reply_to": ...}
       {"event": "sent", "event_id": ...}

  human_client.py --homeserver http://127.0.0.1:8008 --user alice --password pw --alias parley_topic
It creates the room with that alias (public), or joins it when it exists.
"""
import argparse
import asyncio
import json
import sys

import nio


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def enter(client, alias, server_name):
    created = await client.room_create(alias=alias, preset=nio.RoomPreset.public_chat)
    if isinstance(created, nio.RoomCreateResponse):
        return created.room_id
    joined = await client.join("#%s:%s" % (alias, server_name))
    if not isinstance(joined, nio.JoinResponse):
        raise SystemExit("cannot enter #%s: %s" % (alias, joined))
    return joined.room_id


async def read_commands(client, room_id):
    loop = asyncio.get_event_loop()
    reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            return
        cmd = json.loads(line)
        if cmd.get("op") == "quit":
            return
        if cmd.get("op") == "say":
            content = {"msgtype": "m.text", "body": cmd["body"]}
            if cmd.get("reply_to"):
                content["m.relates_to"] = {"m.in_reply_to": {"event_id": cmd["reply_to"]}}
            sent = await client.room_send(room_id, "m.room.message", content)
            emit({"event": "sent", "event_id": getattr(sent, "event_id", None)})


async def main():
    p = argparse.ArgumentParser()
    for name in ("homeserver", "user", "password", "alias"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--server-name", default="parley.local")
    args = p.parse_args()
    client = nio.AsyncClient(args.homeserver, args.user)
    login = await client.login(args.password)
    if not isinstance(login, nio.LoginResponse):
        raise SystemExit("login failed: %s" % login)
    room_id = await enter(client, args.alias, args.server_name)
    first = await client.sync(timeout=0)
    emit({"event": "joined", "room_id": room_id})

    def on_message(room, event):
        if room.room_id != room_id:
            return
        relates = event.source.get("content", {}).get("m.relates_to", {})
        emit({"event": "message", "sender": event.sender, "body": event.body, "event_id": event.event_id,
              "reply_to": relates.get("m.in_reply_to", {}).get("event_id")})

    def on_member(room, event):
        if room.room_id == room_id and event.membership == "join" and event.state_key != client.user_id:
            emit({"event": "online", "user": event.state_key})

    client.add_event_callback(on_message, nio.RoomMessageText)
    client.add_event_callback(on_member, nio.RoomMemberEvent)
    syncing = asyncio.ensure_future(client.sync_forever(timeout=1000, since=first.next_batch))
    await read_commands(client, room_id)
    syncing.cancel()
    await client.close()


if __name__ == "__main__":
    asyncio.get_event_loop().run_until_complete(main())
