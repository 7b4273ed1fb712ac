#!/usr/bin/python3
"""Slack and Discord figures beside their floor, through a whole `parley stdio`
session, against the fakes of backends/slack/fake and backends/discord/fake
(both services are hosted only; the fakes answer from memory on loopback, so
the figures show the bridge and the WebSocket path, not the vendor).

push: a person posts into the channel (the fake's control API, as a human
would through the app); we time the Claude Code channel event leaving the
session. The floor is a minimal client of our own on the same fake and the
same socket protocol (Socket Mode with acks; the gateway with IDENTIFY and
heartbeats), measured first and alone, since Slack hands each event to one
connection only.

gap-fill: the fake drops every socket; GAP messages are posted at once
while the bridge is away; we time from the drop until the last of them has
reached the session as a channel event (reconnect + catch-up). On Discord
it runs twice: RESUME accepted (the gateway replays), then RESUME refused
(a new session, filled from REST history).

  bench/chat_socket_bench.py slack|discord PARLEY_BIN [COUNT=1000] [RATE=100] [GAP=100]
"""
import asyncio
import json
import os
import sys
import time

import aiohttp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_session import start_session  # noqa: E402
from chat_fake_bench import floor, load_now, measure_push, wait_for, with_fake  # noqa: E402


class Slack:
    name = "slack"
    fake = "backends/slack/fake/fake_slack.py"

    def __init__(self, http, url):
        self.http, self.url, self.channel = http, url, "CBENCHPUSH"

    async def setup(self):
        pass

    def backend(self, topic):
        return ("slack", {"bot_token": "xoxb-fake", "app_token": "xapp-fake", "api_url": self.url + "/api",
                          "channel_map": {topic: self.channel}})

    async def human_post(self, text):
        async with self.http.post(self.url + "/_fake/post", json={"channel": self.channel, "text": text,
                                                                   "user": "U0HUMAN"}) as r:
            r.raise_for_status()

    async def drop(self, refuse_resume=False):
        async with self.http.post(self.url + "/_fake/drop") as r:
            r.raise_for_status()

    async def floor_client(self, stamps, ready):
        async with self.http.post(self.url + "/api/apps.connections.open", data={},
                                  headers={"Authorization": "Bearer xapp-fake",
                                           "Content-Type": "application/x-www-form-urlencoded"}) as r:
            wss = (await r.json())["url"]
        async with self.http.ws_connect(wss) as ws:
            async for msg in ws:
                t = time.monotonic_ns()
                frame = json.loads(msg.data)
                if frame.get("type") == "hello":
                    ready.set()
                if "envelope_id" in frame:
                    await ws.send_str(json.dumps({"envelope_id": frame["envelope_id"]}))
                text = frame.get("payload", {}).get("event", {}).get("text", "")
                if text.startswith("T|"):
                    stamps[text.split("|")[1]] = t


class Discord:
    name = "discord"
    fake = "backends/discord/fake/fake_discord.py"

    def __init__(self, http, url):
        self.http, self.url = http, url

    async def setup(self):
        async with self.http.post(self.url + "/_fake/channels", json={"name": "bench"}) as r:
            self.channel = (await r.json())["id"]

    def backend(self, topic):
        return ("discord", {"token": "test-token", "api_url": self.url + "/api/v10",
                            "channel_map": {topic: self.channel}})

    async def human_post(self, text):
        async with self.http.post("%s/_fake/channels/%s/messages" % (self.url, self.channel),
                                  json={"username": "alice", "content": text}) as r:
            r.raise_for_status()

    async def drop(self, refuse_resume=False):
        if refuse_resume:
            async with self.http.post(self.url + "/_fake/gateway/refuse_resume", json={"count": 1}) as r:
                r.raise_for_status()
        async with self.http.post(self.url + "/_fake/gateway/drop") as r:
            r.raise_for_status()

    async def floor_client(self, stamps, ready):
        auth = {"Authorization": "Bot test-token"}
        async with self.http.get(self.url + "/api/v10/gateway/bot", headers=auth) as r:
            wss = (await r.json())["url"]
        async with self.http.ws_connect(wss + "?v=10&encoding=json") as ws:
            seq, beat = None, None
            try:
                async for msg in ws:
                    t = time.monotonic_ns()
                    frame = json.loads(msg.data)
                    seq = frame.get("s") or seq
                    if frame["op"] == 10:
                        await ws.send_str(json.dumps({"op": 2, "d": {"token": "test-token", "intents": 33281,
                                                                     "properties": {"os": "linux", "browser": "bench",
                                                                                    "device": "bench"}}}))
                        beat = asyncio.ensure_future(self.heartbeat(ws, frame["d"]["heartbeat_interval"],
                                                                    lambda: seq))
                    elif frame["op"] == 0 and frame["t"] == "READY":
                        ready.set()
                    elif frame["op"] == 0 and frame["t"] == "MESSAGE_CREATE":
                        content = frame["d"].get("content", "")
                        if content.startswith("T|"):
                            stamps[content.split("|")[1]] = t
            finally:
                if beat:
                    beat.cancel()

    @staticmethod
    async def heartbeat(ws, interval_ms, seq):
        while True:
            await asyncio.sleep(interval_ms / 1000)
            await ws.send_str(json.dumps({"op": 1, "d": seq()}))


async def gap_fill(service, session, gap, label, prefix, refuse_resume=False):
    keys = ["%s%d" % (prefix, i) for i in range(gap)]
    t0 = time.monotonic_ns()
    await service.drop(refuse_resume)
    for k in keys:
        await service.human_post("T|%s|gap" % k)
    await wait_for(session.channel, keys, 60)
    got = [k for k in keys if k in session.channel]
    last = max((session.channel[k] for k in got), default=t0)
    order = [session.channel[k] for k in got] == sorted(session.channel[k] for k in got)
    print("  %-40s %8.1f ms   %d/%d delivered%s" % (label, (last - t0) / 1e6, len(got), gap,
                                                    "" if order else "  OUT OF ORDER"))


async def main(kind, parley_bin, count, rate, gap):
    global PARLEY_BIN
    PARLEY_BIN = parley_bin
    service_type = {"slack": Slack, "discord": Discord}[kind]
    await with_fake(service_type.fake, lambda url: run(service_type, url, count, rate, gap))


async def run(service_type, url, count, rate, gap):
    kind = service_type.name
    async with aiohttp.ClientSession() as http:
        service = service_type(http, url)
        await service.setup()
        print("%s through a parley stdio session, beside a minimal socket client of our own" % kind.capitalize())
        print("  server: %s (in memory), loopback; load before: %s" % (service_type.fake, LOAD_BEFORE))
        floor_ms = await floor(service, count, rate)

        topic = "bench-push"
        session = await start_session(PARLEY_BIN, [topic], service.backend(topic))
        await measure_push(service, session, topic, count, rate, floor_ms, "own socket client")

        if gap > 0:
            print("gap-fill: socket dropped, %d messages posted while away; drop -> last channel event" % gap)
            await gap_fill(service, session, gap, "resume" if kind == "discord" else "reconnect", "g")
            if kind == "discord":
                await asyncio.sleep(1.0)
                await gap_fill(service, session, gap, "resume refused (new session)", "r", refuse_resume=True)
        session.proc.stdin.close()
        await asyncio.wait_for(session.proc.wait(), 10)


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("slack", "discord"):
        sys.exit(__doc__)
    LOAD_BEFORE = load_now()
    args = [int(a) for a in sys.argv[3:]] + [1000, 100, 100][len(sys.argv) - 3:]
    asyncio.get_event_loop().run_until_complete(main(sys.argv[1], sys.argv[2], *args[:3]))
