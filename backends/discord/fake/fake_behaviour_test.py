#!/usr/bin/python3
"""The fake Discord's behaviours, over plain aiohttp: each check prints
`ok - ...`; the exit status is non-zero at the first failure. Runs the fake
as Parley's tests do, a process on --port 0 stopped with SIGTERM.

    /usr/bin/python3 backends/discord/fake/fake_behaviour_test.py
"""

import asyncio
import json
import os
import subprocess
import sys
import time

import aiohttp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "support"))
from fake_checks import Failure, check  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TOKEN = "behaviour-token"
INTENTS = 33281
EPOCH = 1420070400000


class Fake:
    def __init__(self, http, port):
        self.http, self.base = http, f"http://127.0.0.1:{port}"
        self.port = port

    async def rest(self, method, path, body=None, token=TOKEN, **params):
        headers = {"Authorization": f"Bot {token}"} if token else {}
        async with self.http.request(method, self.base + "/api/v10" + path, json=body, headers=headers,
                                     params=params) as r:
            return r.status, r.headers, json.loads(await r.text() or "null")

    async def ok(self, method, path, body=None, **params):
        status, _, out = await self.rest(method, path, body, **params)
        if status != 200:
            raise Failure(f"{method} {path} -> {status} {out}")
        return out

    async def ctl(self, path, body=None, method="POST"):
        async with self.http.request(method, self.base + "/_fake" + path, json=body) as r:
            if r.status != 200:
                raise Failure(f"control {path} -> {r.status}")
            return await r.json()


class Socket:
    """One gateway connection: frames in order, with a timeout."""

    def __init__(self, ws):
        self.ws = ws

    @classmethod
    async def open(cls, http, url):
        return cls(await http.ws_connect(url + "?v=10&encoding=json", max_msg_size=0))

    async def next(self, timeout=3.0):
        m = await asyncio.wait_for(self.ws.receive(), timeout)
        if m.type == aiohttp.WSMsgType.TEXT:
            return json.loads(m.data)
        return m

    async def until(self, pred, timeout=3.0):
        deadline = time.monotonic() + timeout
        while True:
            f = await self.next(max(0.01, deadline - time.monotonic()))
            if isinstance(f, dict) and pred(f):
                return f
            if not isinstance(f, dict) and f.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                return f

    async def send(self, op, d):
        await self.ws.send_str(json.dumps({"op": op, "d": d}))

    async def identify(self, intents=INTENTS, token=TOKEN):
        hello = await self.next()
        await self.send(2, {"token": token, "intents": intents,
                            "properties": {"os": "linux", "browser": "parley", "device": "parley"}})
        return hello, await self.next()


async def rest_checks(fake):
    status, _, err = await fake.rest("GET", "/users/@me", token="wrong")
    check(status == 401 and err["code"] == 0, "a wrong bot token is 401 with a JSON {message, code}")
    me = await fake.ok("GET", "/users/@me")
    check(me["bot"] is True and me["username"], "GET /users/@me is the bot user")
    app = await fake.ok("GET", "/applications/@me")
    check(app["flags"] & (1 << 19), "GET /applications/@me flags carry GATEWAY_MESSAGE_CONTENT_LIMITED")
    gw = await fake.ok("GET", "/gateway/bot")
    check(gw["url"].startswith("ws://127.0.0.1:") and gw["shards"] == 1, "GET /gateway/bot gives a ws:// url")
    check(set(gw["session_start_limit"]) >= {"total", "remaining", "reset_after", "max_concurrency"},
          "GET /gateway/bot has session_start_limit")
    ch = await fake.ctl("/channels", {"name": "one"})
    other = await fake.ctl("/channels", {"name": "two"})
    check((await fake.ok("GET", f"/channels/{ch['id']}"))["id"] == ch["id"], "GET /channels/{id}")
    status, _, err = await fake.rest("GET", "/channels/123/messages")
    check(status == 404 and err["code"] == 10003, "an unknown channel is 404 code 10003")
    ids = []
    for i in range(5):
        ids.append((await fake.ok("POST", f"/channels/{ch['id']}/messages", {"content": f"m{i}"}))["id"])
        await fake.ok("POST", f"/channels/{other['id']}/messages", {"content": f"o{i}"})
    nums = [int(x) for x in ids]
    check(nums == sorted(nums) and len(set(nums)) == 5, "ids increase")
    check(all(b - a >= 2 for a, b in zip(nums, nums[1:])), "one global snowflake counter across channels")
    check(abs(((nums[0] >> 22) + EPOCH) - time.time() * 1000) < 60000, "snowflakes carry ms since 2015 << 22")
    page = await fake.ok("GET", f"/channels/{ch['id']}/messages", limit="3")
    check([m["content"] for m in page] == ["m4", "m3", "m2"], "no anchor: the newest `limit`, newest first")
    page = await fake.ok("GET", f"/channels/{ch['id']}/messages", after=ids[0], limit="2")
    check([m["content"] for m in page] == ["m2", "m1"], "after: the oldest `limit` after it (exclusive), newest first")
    page = await fake.ok("GET", f"/channels/{ch['id']}/messages", before=ids[3], limit="2")
    check([m["content"] for m in page] == ["m2", "m1"], "before: the newest `limit` before it, newest first")
    status, _, _ = await fake.rest("GET", f"/channels/{ch['id']}/messages", limit="101")
    check(status == 400, "limit over 100 is 400")
    status, _, _ = await fake.rest("GET", f"/channels/{ch['id']}/messages", after="abc")
    check(status == 400, "a non-snowflake `after` is 400")
    reply = await fake.ok("POST", f"/channels/{ch['id']}/messages",
                          {"content": "re", "message_reference": {"message_id": ids[1]}})
    check(reply["message_reference"]["message_id"] == ids[1] and reply["type"] == 19, "message_reference: a reply")
    status, _, err = await fake.rest("POST", f"/channels/{ch['id']}/messages", {"content": ""})
    check(status == 400 and err["code"] == 50006, "an empty message is 400 code 50006")
    status, _, err = await fake.rest("POST", f"/channels/{ch['id']}/messages", {"content": "x" * 2001})
    check(status == 400 and err["code"] == 50035, "over 2000 characters is 400 code 50035")
    ok = await fake.ok("POST", f"/channels/{ch['id']}/messages", {"content": "é" * 2000})
    check(len(ok["content"]) == 2000, "2000 characters (not bytes) are accepted")
    hook = await fake.ctl(f"/channels/{ch['id']}/webhooks")
    async with fake.http.post(hook["url"], params={"wait": "true"}, json={"content": "hi", "username": "ada"}) as r:
        wm = await r.json()
    check(r.status == 200 and wm["author"]["username"] == "ada" and wm["webhook_id"] == hook["id"],
          "webhook ?wait=true returns the message with author.username = username")
    await fake.ctl("/rate_limit", {"count": 1, "retry_after": 0.25})
    status, headers, body = await fake.rest("GET", "/users/@me")
    check(status == 429 and body["retry_after"] == 0.25 and headers["Retry-After"] == "1",
          "429 with a float retry_after body and a Retry-After header")
    await fake.ctl("/rate_limit", {"count": 1, "retry_after": 0.25, "header": False})
    status, headers, body = await fake.rest("GET", "/users/@me")
    check(status == 429 and "Retry-After" not in headers, "429 without Retry-After")
    check((await fake.rest("GET", "/users/@me"))[0] == 200, "the 429s are used up")
    await fake.ctl("/global_limit", {"per_second": 3})
    statuses = [(await fake.rest("GET", "/users/@me"))[0] for _ in range(4)]
    await fake.ctl("/global_limit", {"per_second": 0})
    check(statuses == [200, 200, 200, 429], "a global limit per second answers 429 past it")
    stats = await fake.ctl("/stats", method="GET")
    check(stats["global_limited"] == 1, "global 429s are counted")
    check(stats["rest"].get("GET /api/v10/users/@me", 0) >= 4, "REST calls are counted")
    return ch, ids


async def gateway_checks(fake, ch):
    s = await Socket.open(fake.http, f"ws://127.0.0.1:{fake.port}/gateway")
    hello, ready = await s.identify()
    check(hello["op"] == 10 and hello["d"]["heartbeat_interval"] > 0, "HELLO carries heartbeat_interval")
    check(ready["t"] == "READY" and ready["s"] == 1 and ready["d"]["session_id"], "READY with s=1 and session_id")
    check(ready["d"]["resume_gateway_url"].endswith("/resume-gateway"), "READY gives a resume_gateway_url")
    await s.send(1, 1)
    check((await s.next())["op"] == 11, "a heartbeat is ACKed with op 11")
    mine = await fake.ok("POST", f"/channels/{ch['id']}/messages", {"content": "own"})
    ev = await s.until(lambda f: f.get("t") == "MESSAGE_CREATE")
    check(ev["d"]["id"] == mine["id"] and ev["s"] == 2 and ev["d"]["guild_id"], "own sends are echoed, s increments")
    human = await fake.ctl(f"/channels/{ch['id']}/messages", {"username": "alice", "content": "hi bot"})
    ev = await s.until(lambda f: f.get("t") == "MESSAGE_CREATE")
    check(ev["d"]["content"] == "hi bot" and ev["d"]["author"]["username"] == "alice", "a human's post is dispatched")
    session, seq = ready["d"]["session_id"], ev["s"]
    await fake.ctl("/gateway/drop")
    for i in range(3):
        await fake.ctl(f"/channels/{ch['id']}/messages", {"username": "alice", "content": f"missed{i}"})
    r = await Socket.open(fake.http, ready["d"]["resume_gateway_url"])
    await r.next()
    await r.send(6, {"token": TOKEN, "session_id": session, "seq": seq})
    got = [await r.next() for _ in range(4)]
    check([f["d"]["content"] for f in got[:3]] == ["missed0", "missed1", "missed2"] and got[3]["t"] == "RESUMED",
          "RESUME replays what the session missed, then RESUMED")
    check([f["s"] for f in got] == [seq + 1, seq + 2, seq + 3, seq + 4], "replayed frames keep their sequence")
    await fake.ctl("/gateway/refuse_resume", {"count": 1})
    await fake.ctl("/gateway/drop")
    r2 = await Socket.open(fake.http, ready["d"]["resume_gateway_url"])
    await r2.next()
    await r2.send(6, {"token": TOKEN, "session_id": session, "seq": seq + 4})
    f = await r2.next()
    check(f["op"] == 9 and f["d"] is False, "a refused RESUME is op 9 with d:false")
    await r2.send(2, {"token": TOKEN, "intents": INTENTS, "properties": {}})
    f = await r2.next()
    check(f["t"] == "READY" and f["d"]["session_id"] != session, "after op 9 an IDENTIFY opens a new session")
    await fake.ctl("/gateway/acks", {"on": False})
    await r2.send(1, f["s"])
    try:
        extra = await r2.next(0.5)
        check(not (isinstance(extra, dict) and extra.get("op") == 11), "no ACK while ACKs are off")
    except asyncio.TimeoutError:
        check(True, "no ACK while ACKs are off")
    await fake.ctl("/gateway/acks", {"on": True})
    await fake.ctl("/gateway/op", {"op": 7, "d": None})
    check((await r2.next())["op"] == 7, "control: op 7 RECONNECT")
    for kind in ("malformed", "big", "unknown_channel", "unknown_event", "invalid_utf8"):
        await fake.ctl("/gateway/raw", {"kind": kind, "size": 4 * 1024 * 1024})
    frames = [await r2.ws.receive(timeout=5) for _ in range(5)]
    check(frames[0].type == aiohttp.WSMsgType.TEXT and frames[0].data.startswith('{"op": 0'),
          "raw: a malformed text frame")
    check(len(frames[1].data) > 4 * 1024 * 1024, "raw: a 4 MB frame")
    check(json.loads(frames[2].data)["d"]["channel_id"] != ch["id"], "raw: a MESSAGE_CREATE for an unknown channel")
    check(json.loads(frames[3].data)["t"] == "SOMETHING_NEW", "raw: an unknown dispatch")
    check(frames[4].type == aiohttp.WSMsgType.ERROR, "raw: invalid UTF-8 in a text frame (aiohttp refuses it)")
    s = await Socket.open(fake.http, f"ws://127.0.0.1:{fake.port}/gateway")
    await s.identify()
    await fake.ctl("/gateway/close", {"code": 4000})
    m = await s.ws.receive(timeout=3)
    check(m.type == aiohttp.WSMsgType.CLOSE and m.data == 4000, "control: a close code")
    for c in (s, r, r2):
        await c.ws.close()


async def identify_checks(fake):
    s = await Socket.open(fake.http, f"ws://127.0.0.1:{fake.port}/gateway")
    await s.identify(token="bad")
    await asyncio.sleep(0.1)
    check(s.ws.close_code == 4004, "a wrong IDENTIFY token is close 4004")
    s = await Socket.open(fake.http, f"ws://127.0.0.1:{fake.port}/gateway")
    await s.identify(intents=1 << 30)
    await asyncio.sleep(0.1)
    check(s.ws.close_code == 4013, "invalid intents are close 4013")
    s = await Socket.open(fake.http, f"ws://127.0.0.1:{fake.port}/gateway")
    await s.next()
    await s.ws.send_str("not json")
    await s.next()
    check(s.ws.close_code == 4002, "a frame that is not JSON is close 4002")
    s = await Socket.open(fake.http, f"ws://127.0.0.1:{fake.port}/gateway")
    await s.next()
    await s.send(42, None)
    await s.next()
    check(s.ws.close_code == 4001, "an unknown opcode is close 4001")
    s = await Socket.open(fake.http, f"ws://127.0.0.1:{fake.port}/gateway")
    await s.identify()
    await s.send(2, {"token": TOKEN, "intents": INTENTS, "properties": {}})
    await s.next()
    check(s.ws.close_code == 4005, "a second IDENTIFY is close 4005")
    await fake.ctl("/app_flags", {"flags": 0})
    check((await fake.ok("GET", "/applications/@me"))["flags"] == 0, "control: MESSAGE_CONTENT switch off")
    s = await Socket.open(fake.http, f"ws://127.0.0.1:{fake.port}/gateway")
    await s.identify()
    await asyncio.sleep(0.1)
    check(s.ws.close_code == 4014, "MESSAGE_CONTENT without the portal switch is close 4014")
    await fake.ctl("/app_flags", {"flags": 1 << 19})
    s = await Socket.open(fake.http, f"ws://127.0.0.1:{fake.port}/gateway")
    await s.identify(intents=INTENTS & ~(1 << 15))
    ch = await fake.ctl("/channels", {"name": "nocontent"})
    await fake.ctl(f"/channels/{ch['id']}/messages", {"username": "bob", "content": "secret"})
    ev = await s.until(lambda f: f.get("t") == "MESSAGE_CREATE")
    check(ev["d"]["content"] == "", "without the MESSAGE_CONTENT intent a human's content is empty")
    await s.ws.close()
    await fake.ctl("/gateway/budget", {"remaining": 0})
    check((await fake.ok("GET", "/gateway/bot"))["session_start_limit"]["remaining"] == 0,
          "control: the identify budget shows in /gateway/bot")
    s = await Socket.open(fake.http, f"ws://127.0.0.1:{fake.port}/gateway")
    await s.identify()
    await asyncio.sleep(0.1)
    stats = await fake.ctl("/stats", method="GET")
    check(s.ws.close_code == 4008 and stats["identify_over_budget"] == 1, "IDENTIFY over budget: 4008, counted")
    await fake.ctl("/gateway/budget", {"remaining": 0, "reset_after": 300})
    await asyncio.sleep(0.4)
    check((await fake.ok("GET", "/gateway/bot"))["session_start_limit"]["remaining"] == 1000,
          "the identify budget is back to total after reset_after")
    check(stats["identify"] >= 5 and stats["resume"] >= 2 and stats["resume_refused"] >= 1,
          "stats count IDENTIFY and RESUME")


async def outage_checks(fake):
    await fake.ctl("/outage", {"seconds": 1})
    try:
        await fake.rest("GET", "/users/@me")
        check(False, "REST answers nothing during an outage")
    except aiohttp.ClientError:
        check(True, "REST answers nothing during an outage")
    await asyncio.sleep(1.1)
    check((await fake.rest("GET", "/users/@me"))[0] == 200, "REST is back after the outage")
    await fake.ctl("/gateway/heartbeat", {"ms": 300})
    s = await Socket.open(fake.http, f"ws://127.0.0.1:{fake.port}/gateway")
    hello, _ = await s.identify()
    check(hello["d"]["heartbeat_interval"] == 300, "control: the HELLO interval")
    m = await s.ws.receive(timeout=3)
    check(m.type == aiohttp.WSMsgType.CLOSE and m.data == 4009, "no heartbeat within the interval: close 4009")


async def run(port):
    async with aiohttp.ClientSession() as http:
        fake = Fake(http, port)
        ch, _ = await rest_checks(fake)
        await gateway_checks(fake, ch)
        await identify_checks(fake)
        await outage_checks(fake)


def main():
    proc = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "fake_discord.py"), "--port", "0", "--token",
                             TOKEN], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        port = int(line.split()[1])
        asyncio.run(run(port))
    except Failure as e:
        print(f"not ok - {e}")
        return 1
    finally:
        proc.terminate()
        proc.wait()
    print("all fake Discord checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
