#!/usr/bin/python3
"""Telegram and Zulip figures beside their floor, through a whole `parley
stdio` session, against the fakes of backends/telegram/fake and
backends/zulip/fake (both services are hosted only; the fakes answer from
memory on loopback, so the figures show the bridge and the long-poll path,
not the vendor).

push: a person posts into the chat (the fake's control API, as a human would
through the app); we time the Claude Code channel event leaving the session.
The floor is a minimal long-poll client of our own on the same fake
(getUpdates with offset; a registered event queue), measured first and
alone: Telegram allows one poller per bot token.

Telegram, restart: the session is killed with SIGKILL, GAP messages are
posted while it is down, and a new session starts on the same state; we
time from its start until the last of them has reached it as a channel
event, and count duplicates and misses.

Zulip, queue expiry: the fake expires every event queue, GAP messages are
posted at once; we time from the expiry until the last of them has reached
the session (re-register + gap-fill from history). Catch-up: CATCHUP
messages are stored at once, then read with parley_fetch_recent in pages of
1000 from the topic's start; the floor pages GET /messages itself.

  bench/chat_longpoll_bench.py telegram|zulip PARLEY_BIN [COUNT=1000] [RATE=100] [GAP=100] [CATCHUP=10000]
"""
import asyncio
import json
import os
import sys
import tempfile
import time

import aiohttp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_session import start_session  # noqa: E402
from chat_fake_bench import floor, load_now, measure_push, wait_for, with_fake  # noqa: E402

TELEGRAM_TOKEN = "123456:TEST-TOKEN"
ZULIP_AUTH = aiohttp.BasicAuth("parley-bot@localhost", "parley-api-key")


class Telegram:
    name = "telegram"
    fake = "backends/telegram/fake/fake_telegram.py"
    chat = -100500
    more_topics = []
    settings = ("bridge state: Parley's Telegram state db (SQLite WAL, synchronous=FULL: each batch of "
                "updates fsynced before its offset is confirmed)")

    def __init__(self, http, url):
        self.http, self.url = http, url

    async def setup(self):
        await self.control("/_fake/chat", {"chat_id": self.chat, "type": "supergroup", "title": "bench"})

    def backend(self, topic, scratch):
        return ("telegram", {"token": TELEGRAM_TOKEN, "api_url": self.url, "chat_map": {topic: str(self.chat)},
                             "store_path": os.path.join(scratch, "absent.jsonl")})

    async def control(self, path, body):
        async with self.http.post(self.url + path, json=body) as r:
            r.raise_for_status()
            return await r.json()

    async def human_post(self, text):
        await self.control("/_fake/post", {"chat_id": self.chat, "text": text,
                                           "from": {"id": 4242, "username": "alice", "first_name": "Alice"}})

    async def floor_client(self, stamps, ready):
        offset, timeout = 0, 0  # the first call drains what is pending, then the client parks
        while True:
            async with self.http.get("%s/bot%s/getUpdates" % (self.url, TELEGRAM_TOKEN),
                                     params={"offset": str(offset), "timeout": str(timeout)}) as r:
                body = await r.json()
            t = time.monotonic_ns()
            for u in body.get("result", []):
                offset = u["update_id"] + 1
                text = (u.get("message") or {}).get("text", "")
                if text.startswith("T|"):
                    stamps[text.split("|")[1]] = t
            if timeout == 0:
                # Confirm the drained ones, then wait for news, in short
                # parks: Telegram allows one poller per token, and the
                # floor's last park must be over before the bridge polls.
                timeout = 2
                ready.set()

    async def settle(self):
        """Until no getUpdates is parked (the floor's last one has ended)."""
        for _ in range(100):
            async with self.http.get(self.url + "/_fake/pollers") as r:
                if (await r.json())["parked"] == 0:
                    return
            await asyncio.sleep(0.1)


class Zulip:
    name = "zulip"
    fake = "backends/zulip/fake/fake_zulip.py"
    stream = "bench"
    more_topics = ["bench-catchup"]
    settings = "bridge state: none (the cursor is Zulip's message id; the fake keeps everything in memory)"

    def __init__(self, http, url):
        self.http, self.url, self.topic = http, url, "bench-push"

    async def setup(self):
        pass

    async def settle(self):
        pass

    def backend(self, topic, scratch):
        return ("zulip", {"site_url": self.url, "email": "parley-bot@localhost", "api_key": "parley-api-key",
                          "stream": self.stream})

    async def control(self, path, body):
        async with self.http.post(self.url + path, json=body) as r:
            r.raise_for_status()
            return await r.json()

    async def human_post(self, text, topic=None):
        await self.control("/_fake/post", {"stream": self.stream, "topic": topic or self.topic, "content": text,
                                           "sender_email": "alice@example.com"})

    async def api(self, method, path, **form):
        async with self.http.request(method, self.url + "/api/v1" + path, auth=ZULIP_AUTH,
                                     params=form if method == "GET" else None,
                                     data=form if method != "GET" else None) as r:
            return await r.json()

    async def floor_client(self, stamps, ready):
        narrow = json.dumps([["stream", self.stream], ["topic", self.topic]])
        q = await self.api("POST", "/register", event_types='["message"]', narrow=narrow, apply_markdown="false")
        queue, last = q["queue_id"], q["last_event_id"]
        ready.set()
        while True:
            body = await self.api("GET", "/events", queue_id=queue, last_event_id=str(last), dont_block="false")
            t = time.monotonic_ns()
            for ev in body.get("events", []):
                last = max(last, ev["id"])
                content = ev.get("message", {}).get("content", "")
                if content.startswith("T|"):
                    stamps[content.split("|")[1]] = t

    async def floor_catchup(self, topic, first_id, count):
        narrow = json.dumps([{"operator": "stream", "operand": self.stream},
                             {"operator": "topic", "operand": topic}])
        anchor, read, t0 = first_id - 1, 0, time.monotonic()
        while read < count:
            page = await self.api("GET", "/messages", anchor=str(anchor), include_anchor="false", num_before="0",
                                  num_after="1000", narrow=narrow, apply_markdown="false")
            if not page["messages"]:
                break
            read += len(page["messages"])
            anchor = page["messages"][-1]["id"]
        return read, time.monotonic() - t0


async def telegram_restart(service, session, topic, gap):
    """SIGKILL the session, post `gap` messages, start again on its state.
    The kill waits until the session's read cursor is on disk (it is saved
    within 250 ms of a delivery): what it showed before is not shown again."""
    await asyncio.sleep(1.0)
    session.proc.kill()
    await session.proc.wait()
    keys = ["k%d" % i for i in range(gap)]
    for k in keys:
        await service.human_post("T|%s|while down" % k)
    t0 = time.monotonic_ns()
    again = await start_session(PARLEY_BIN, [topic], service.backend(topic, session.scratch), session.scratch)
    await wait_for(again.channel, keys, 60)
    got = [k for k in keys if k in again.channel]
    dup = sum(again.heard[k] - 1 for k in got)
    last = max((again.channel[k] for k in got), default=t0)
    print("restart: SIGKILL, %d messages posted while down; start -> last channel event" % gap)
    print("  %-40s %8.1f ms   %d/%d delivered, %d duplicates" % ("restart to caught up", (last - t0) / 1e6,
                                                                 len(got), gap, dup))
    return again


async def zulip_expiry(service, session, gap):
    keys = ["q%d" % i for i in range(gap)]
    t0 = time.monotonic_ns()
    expired = (await service.control("/_fake/expire_queues", {}))["expired"]
    for k in keys:
        await service.human_post("T|%s|after expiry" % k)
    await wait_for(session.channel, keys, 60)
    got = [k for k in keys if k in session.channel]
    dup = sum(session.heard[k] - 1 for k in got)
    last = max((session.channel[k] for k in got), default=t0)
    order = [session.channel[k] for k in got] == sorted(session.channel[k] for k in got)
    print("queue expiry: %d queue(s) expired, %d messages posted; expiry -> last channel event" % (expired, gap))
    print("  %-40s %8.1f ms   %d/%d delivered, %d duplicates%s" % ("re-register + gap-fill", (last - t0) / 1e6,
                                                                   len(got), gap, dup,
                                                                   "" if order else "  OUT OF ORDER"))


async def zulip_catchup(service, session, count):
    topic = service.more_topics[0]
    stored = await service.control("/_fake/bulk", {"stream": service.stream, "topic": topic, "count": count,
                                                   "prefix": "c", "deliver": False})
    read, since, t0 = 0, "0", time.monotonic()
    while read < count:
        page = await session.call("parley_fetch_recent", {"topic": topic, "since": since, "limit": 1000})
        if not page["messages"]:
            break
        read += len(page["messages"])
        since = page["nextCursor"]
    took = time.monotonic() - t0
    floor_read, floor_took = await service.floor_catchup(topic, stored["first_id"], count)
    print("catch-up: %d stored messages read from the start in pages of 1000" % count)
    print("  %-40s %8.0f msgs/s   (%d read in %.2f s)" % ("parley_fetch_recent (parley)", read / took, read, took))
    print("  %-40s %8.0f msgs/s   (%d read in %.2f s)" % ("floor: GET /messages", floor_read / floor_took,
                                                          floor_read, floor_took))


async def run(service_type, url, count, rate, gap, catchup):
    kind = service_type.name
    async with aiohttp.ClientSession() as http:
        service = service_type(http, url)
        await service.setup()
        print("%s through a parley stdio session, beside a minimal long-poll client of our own" % kind.capitalize())
        print("  server: %s (in memory), loopback; load before: %s" % (service_type.fake, LOAD_BEFORE))
        print("  " + service_type.settings)
        floor_ms = await floor(service, count, rate)
        await service.settle()

        topic = "bench-push"
        scratch = tempfile.mkdtemp(prefix="parley-bench-")
        session = await start_session(PARLEY_BIN, [topic] + service.more_topics, service.backend(topic, scratch),
                                      scratch)
        await measure_push(service, session, topic, count, rate, floor_ms, "own long-poll client")

        if kind == "telegram" and gap > 0:
            session = await telegram_restart(service, session, topic, gap)
        if kind == "zulip":
            if gap > 0:
                await zulip_expiry(service, session, gap)
            if catchup > 0:
                await zulip_catchup(service, session, catchup)
        session.proc.stdin.close()
        await asyncio.wait_for(session.proc.wait(), 10)


async def main(kind, parley_bin, count, rate, gap, catchup):
    global PARLEY_BIN
    PARLEY_BIN = parley_bin
    service_type = {"telegram": Telegram, "zulip": Zulip}[kind]
    await with_fake(service_type.fake, lambda url: run(service_type, url, count, rate, gap, catchup))


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("telegram", "zulip"):
        sys.exit(__doc__)
    LOAD_BEFORE = load_now()
    args = [int(a) for a in sys.argv[3:]] + [1000, 100, 100, 10000][len(sys.argv) - 3:]
    asyncio.get_event_loop().run_until_complete(main(sys.argv[1], sys.argv[2], *args[:4]))
