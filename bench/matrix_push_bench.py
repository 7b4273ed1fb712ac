#!/usr/bin/python3
"""Matrix figures beside their floor, through a whole `parley stdio` session,
against the fake homeserver of backends/matrix/fake (no homeserver is
packaged for Debian 12; the fake answers from memory, so the figures show
the bridge and the client, not a homeserver's storage).

push: a person's client (matrix-nio, an independent implementation) posts
into a room; we time (a) the Claude Code channel event leaving the session,
and (b) the same client receiving its own message back through its /sync.
(b) is the floor; (a) - (b) is what the bridge adds.

catch-up: the person posts CATCHUP messages into another room; (a) the
session reads them all with parley_fetch_recent (pages of 100, by cursor),
(b) the person's own client pages the same room (/messages, 100 a page).

  bench/matrix_push_bench.py PARLEY_BIN [COUNT=1000] [RATE=100] [CATCHUP=10000]
"""
import asyncio
import json
import os
import sys
import time

import nio

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_session import describe, start_session  # noqa: E402

FAKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "backends", "matrix", "fake",
                    "fake_homeserver.py")


async def start_fake():
    proc = await asyncio.create_subprocess_exec("/usr/bin/python3", FAKE, "--port", "0",
                                                stdout=asyncio.subprocess.PIPE)
    line = (await proc.stdout.readline()).decode()
    return proc, "http://127.0.0.1:%s" % line.split()[1]


class Person:
    def __init__(self, url):
        self.client = nio.AsyncClient(url, "person")
        self.echo = {}

    async def start(self, url):
        import urllib.request
        urllib.request.urlopen(urllib.request.Request(url + "/_fake/users", method="POST", data=json.dumps(
            {"user": "person", "password": "pw"}).encode())).read()
        await self.client.login("pw")
        first = await self.client.sync(timeout=0)
        self.client.add_event_callback(self.on_message, nio.RoomMessageText)
        self.syncing = asyncio.ensure_future(self.client.sync_forever(timeout=1000, since=first.next_batch))

    def on_message(self, room, event):
        t = time.monotonic_ns()
        if event.sender == self.client.user_id and event.body.startswith("T|"):
            self.echo[event.body.split("|")[1]] = t

    async def room(self, alias):
        created = await self.client.room_create(alias=alias, preset=nio.RoomPreset.public_chat)
        return created.room_id

    async def read_all(self, room_id):
        got, token = 0, None
        while True:
            r = await self.client.room_messages(room_id, start=token or "", direction=nio.MessageDirection.front,
                                                limit=100)
            got += sum(1 for e in r.chunk if isinstance(e, nio.RoomMessageText))
            if not r.chunk or not r.end:
                return got
            token = r.end


async def main(parley_bin, count, rate, catchup):
    fake, url = await start_fake()
    person = Person(url)
    await person.start(url)
    push_topic, catch_topic = "bench-push", "bench-catchup"
    push_room = await person.room("parley_" + push_topic)
    catch_room = await person.room("parley_" + catch_topic)
    backend = ("matrix", {"homeserver_url": url, "server_name": "parley.local", "user": "parley",
                          "password": "parleypass", "sync_timeout_ms": 5000})
    session = await start_session(parley_bin, [push_topic, catch_topic], backend)
    await session.call("parley_fetch_recent", {"topic": push_topic, "limit": 1})
    await asyncio.sleep(1.0)
    print("Matrix through a parley stdio session, beside an independent client (matrix-nio)")
    print("  server: backends/matrix/fake (in memory), loopback; load before: %s" % LOAD_BEFORE)

    sent = {}
    start = time.monotonic()
    for i in range(count):
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        sent[str(i)] = time.monotonic_ns()
        await person.client.room_send(push_room, "m.room.message", {"msgtype": "m.text",
                                                                     "body": "T|%d|%s" % (i, "x" * 180)})
    deadline = time.monotonic() + 10
    while (len(session.channel) < count or len(person.echo) < count) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    bridge = [(session.channel[k] - sent[k]) / 1e6 for k in sent if k in session.channel]
    floor = [(person.echo[k] - sent[k]) / 1e6 for k in sent if k in person.echo]
    print("push: %d posts at %d/s" % (count, rate))
    print(describe("  person's post -> channel event (parley)", bridge))
    print(describe("  floor: person's post -> its own /sync", floor))

    if catchup > 0:
        for i in range(catchup):
            await person.client.room_send(catch_room, "m.room.message", {"msgtype": "m.text", "body": "c%d" % i})
        t0, got, cursor = time.monotonic(), 0, ""
        while True:
            page = await session.call("parley_fetch_recent", {"topic": catch_topic, "since": cursor, "limit": 100})
            if not page["messages"]:
                break
            got += len(page["messages"])
            cursor = page["nextCursor"]
        parley_s = time.monotonic() - t0
        t0 = time.monotonic()
        floor_got = await person.read_all(catch_room)
        floor_s = time.monotonic() - t0
        print("catch-up: %d messages in pages of 100" % catchup)
        print("  parley_fetch_recent by cursor (parley):  %8.0f msgs/s   %d in %.1f s" % (got / parley_s, got, parley_s))
        print("  floor: the person's own /messages paging: %8.0f msgs/s   %d in %.1f s" % (floor_got / floor_s,
                                                                                          floor_got, floor_s))
    session.proc.stdin.close()
    await asyncio.wait_for(session.proc.wait(), 10)
    person.syncing.cancel()
    await person.client.close()
    fake.terminate()
    await fake.wait()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    with open("/proc/loadavg") as f:
        LOAD_BEFORE = f.read().strip()
    args = [int(a) for a in sys.argv[2:]] + [1000, 100, 10000][len(sys.argv) - 2:]
    asyncio.get_event_loop().run_until_complete(main(sys.argv[1], *args[:3]))
