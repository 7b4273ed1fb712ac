#!/usr/bin/python3
"""The fake Zulip's behaviours (CHECKLIST.md), checked over plain aiohttp
against the fake run as Parley's tests run it: a process started with
--port 0 (and --heartbeat-s 1) and stopped with SIGTERM. One `ok - ...`
line per check; exits non-zero at the first failure.

    /usr/bin/python3 backends/zulip/fake/fake_behaviour_test.py
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time

import aiohttp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "support"))
from fake_checks import Failure, check  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
BOT = aiohttp.BasicAuth("parley-bot@localhost", "parley-api-key")
ALICE = aiohttp.BasicAuth("alice@example.com", "alice-api-key")


class Zulip:
    def __init__(self, http, base):
        self.http, self.base = http, base

    async def raw(self, method, path, auth=BOT, params=None, form=None, json_body=None):
        kwargs = {"params": params or {}}
        if json_body is not None:
            kwargs["json"] = json_body
        elif form is not None:
            kwargs["data"] = form
        async with self.http.request(method, self.base + "/api/v1" + path, auth=auth, **kwargs) as r:
            return r.status, r.headers, await r.json(content_type=None)

    async def ok(self, method, path, **kw):
        status, _, body = await self.raw(method, path, **kw)
        if status != 200 or body.get("result") != "success":
            raise Failure(f"{method} {path} -> {status} {body}")
        return body

    async def send(self, topic, content, stream="parley", auth=BOT):
        body = await self.ok("POST", "/messages", auth=auth,
                             form={"type": "stream", "to": stream, "topic": topic, "content": content})
        return body["id"]

    async def control(self, method, path, body=None):
        async with self.http.request(method, self.base + "/_fake/" + path, json=body) as r:
            return await r.json()


def narrow(topic, stream="parley"):
    return json.dumps([{"operator": "stream", "operand": stream}, {"operator": "topic", "operand": topic}])


async def rest_checks(z):
    me = await z.ok("GET", "/users/me")
    check(me["email"] == "parley-bot@localhost" and me["is_bot"], "/users/me names the bot")
    status, _, body = await z.raw("GET", "/users/me", auth=aiohttp.BasicAuth("parley-bot@localhost", "wrong"))
    check(status == 401 and body["code"] == "INVALID_API_KEY", "a wrong key: 401 INVALID_API_KEY")
    status, _, body = await z.raw("GET", "/users/me", auth=None)
    check(status == 401 and body["result"] == "error", "no Authorization: 401")
    users = await z.ok("GET", "/users")
    check({u["email"] for u in users["members"]} >= {"parley-bot@localhost", "alice@example.com"} and
          any(u["full_name"] == "Alice" for u in users["members"]), "/users lists the bot and alice with full names")
    subs = await z.ok("GET", "/users/me/subscriptions")
    check([s["name"] for s in subs["subscriptions"]] == ["parley"], "the bot is subscribed to parley")
    status, _, body = await z.raw("GET", "/get_stream_id", params={"stream": "nope"})
    check(status == 400 and body["result"] == "error", "get_stream_id of a missing stream: 400")
    status, _, body = await z.raw("POST", "/messages", json_body={"type": "stream", "to": "parley", "topic": "j",
                                                                  "content": "json"})
    check(status == 400 and body["code"] == "REQUEST_VARIABLE_MISSING", "a JSON body is not read: 400, argument missing")
    status, _, body = await z.raw("POST", "/messages", form={"type": "stream", "to": "parley", "topic": "e",
                                                             "content": "  "})
    check(status == 400 and "empty" in body["msg"], "empty content: 400")
    status, _, body = await z.raw("POST", "/messages", form={"type": "stream", "to": "nowhere", "topic": "e",
                                                             "content": "x"})
    check(status == 400 and body["code"] == "STREAM_DOES_NOT_EXIST", "a missing stream: STREAM_DOES_NOT_EXIST")
    a = await z.send("ids-1", "a")
    b = await z.send("ids-2", "b")
    c = await z.send("ids-1", "c", auth=ALICE)
    check(a < b < c, "ids are global and increasing across topics and senders")
    one = await z.ok("GET", f"/messages/{b}", params={"apply_markdown": "false"})
    check(one["message"]["content"] == "b" and one["message"]["subject"] == "ids-2", "GET /messages/{id}")
    check(isinstance(one["message"]["timestamp"], int), "timestamp is integer seconds")


async def history_checks(z):
    ids = [await z.send("hist", f"m{i}") for i in range(10)]
    await z.send("other", "not in hist")

    async def get(**params):
        params.setdefault("narrow", narrow("hist"))
        return await z.ok("GET", "/messages", params={k: str(v).lower() if isinstance(v, bool) else str(v)
                                                      for k, v in params.items()})

    p = await get(anchor="newest", num_before=3, num_after=0)
    check([m["id"] for m in p["messages"]] == ids[-3:] and p["found_newest"] and not p["found_oldest"],
          "anchor=newest, num_before=3: the newest 3, ascending, found_newest")
    p = await get(anchor="oldest", num_before=0, num_after=2)
    check([m["id"] for m in p["messages"]] == ids[:2] and p["found_oldest"] and not p["found_newest"],
          "anchor=oldest, num_after=2: the oldest 2, found_oldest")
    p = await get(anchor=ids[4], include_anchor=False, num_before=0, num_after=3)
    check([m["id"] for m in p["messages"]] == ids[5:8], "anchor=<id>, include_anchor=false: strictly after")
    p = await get(anchor=ids[4], num_before=1, num_after=1)
    check([m["id"] for m in p["messages"]] == ids[3:6] and p["found_anchor"], "include_anchor defaults to true")
    p = await get(anchor=ids[-1], include_anchor=False, num_before=0, num_after=5)
    check(p["messages"] == [] and p["found_newest"], "after the last: empty, found_newest")
    p = await get(anchor="first_unread", num_before=2, num_after=0)
    check([m["id"] for m in p["messages"]] == ids[-2:], "anchor=first_unread (everything read): like newest")
    p = await get(anchor="newest", num_before=100, num_after=0,
                  narrow=json.dumps([["stream", "parley"], ["topic", "HIST"]]))
    check([m["id"] for m in p["messages"]] == ids, "narrow in the pair form; topics compare without case")
    status, _, _ = await z.raw("GET", "/messages", params={"anchor": "newest", "num_before": "5001",
                                                           "num_after": "0"})
    check(status == 400, "more than 5000 at once: 400")
    status, _, _ = await z.raw("GET", "/messages", params={"anchor": "x", "num_before": "1", "num_after": "0"})
    check(status == 400, "a bad anchor: 400")


async def queue_checks(z):
    reg = await z.ok("POST", "/register", form={"event_types": '["message"]', "apply_markdown": "false",
                                                "narrow": json.dumps([["stream", "parley"], ["topic", "live"]])})
    qid, last = reg["queue_id"], reg["last_event_id"]
    check(qid and last == -1, "/register answers queue_id and last_event_id -1")
    params = {"queue_id": qid, "last_event_id": str(last)}
    t0 = time.monotonic()
    ev = await z.ok("GET", "/events", params=dict(params, dont_block="true"))
    check(ev["events"] == [] and time.monotonic() - t0 < 0.5, "dont_block=true answers at once")
    poll = asyncio.ensure_future(z.ok("GET", "/events", params=params))
    await asyncio.sleep(0.2)
    queues = (await z.control("GET", "queues"))["queues"]
    check(any(q["queue_id"] == qid and q["parked"] for q in queues), "a poll parks (GET /_fake/queues shows it)")
    await z.send("other-topic", "filtered out")
    mid = await z.send("live", "hello", auth=ALICE)
    ev = await poll
    check([e["message"]["id"] for e in ev["events"]] == [mid], "a matching message wakes the parked poll; others do not")
    last = ev["events"][-1]["id"]
    own = await z.send("live", "mine")
    ev = await z.ok("GET", "/events", params={"queue_id": qid, "last_event_id": str(last - 1)})
    check([e.get("message", {}).get("id") for e in ev["events"]] == [mid, own],
          "events after last_event_id are kept until acknowledged; own messages are delivered")
    last = ev["events"][-1]["id"]
    t0 = time.monotonic()
    ev = await z.ok("GET", "/events", params={"queue_id": qid, "last_event_id": str(last)})
    check([e["type"] for e in ev["events"]] == ["heartbeat"] and 0.8 < time.monotonic() - t0 < 3,
          "a parked poll gets a heartbeat after --heartbeat-s")
    last = ev["events"][-1]["id"]
    poll = asyncio.ensure_future(z.raw("GET", "/events", params={"queue_id": qid, "last_event_id": str(last)}))
    await asyncio.sleep(0.2)
    expired = await z.control("POST", "expire_queues")
    check(expired["expired"] >= 1, "POST /_fake/expire_queues drops the queues")
    status, _, body = await poll
    check(status == 400 and body["code"] == "BAD_EVENT_QUEUE_ID" and body["queue_id"] == qid and
          body["msg"].startswith("Bad event queue ID"), "a parked poll of an expired queue: BAD_EVENT_QUEUE_ID")
    reg = await z.ok("POST", "/register", form={"event_types": '["message"]',
                                                "narrow": json.dumps([{"operator": "stream", "operand": "parley"}])})
    await z.send("any-topic", "x")
    ev = await z.ok("GET", "/events", params={"queue_id": reg["queue_id"], "last_event_id": "-1"})
    check(len(ev["events"]) == 1 and ev["events"][0]["message"]["subject"] == "any-topic",
          "a stream-only narrow (dict form) gets every topic")
    await z.ok("DELETE", "/events", params={"queue_id": reg["queue_id"]})
    status, _, body = await z.raw("GET", "/events", params={"queue_id": reg["queue_id"], "last_event_id": "-1"})
    check(status == 400 and body["code"] == "BAD_EVENT_QUEUE_ID", "DELETE /events removes the queue")


async def control_checks(z):
    r = await z.control("POST", "post", {"stream": "parley", "topic": "ctl", "content": "from alice"})
    msgs = (await z.control("GET", "messages?stream=parley&topic=ctl"))["messages"]
    check(msgs[-1]["id"] == r["id"] and msgs[-1]["sender_email"] == "alice@example.com",
          "POST /_fake/post: a human's message; GET /_fake/messages lists it")
    b = await z.control("POST", "bulk", {"stream": "parley", "topic": "bulk", "count": 1000, "prefix": "b"})
    msgs = (await z.control("GET", "messages?stream=parley&topic=bulk"))["messages"]
    check(b["last_id"] - b["first_id"] == 999 and len(msgs) == 1000 and msgs[0]["content"] == "b1",
          "POST /_fake/bulk: many at once, consecutive ids")
    await z.control("POST", "rate_limit", {"count": 1, "retry_after": 2})
    status, headers, body = await z.raw("GET", "/users/me")
    check(status == 429 and body["code"] == "RATE_LIMIT_HIT" and body["retry-after"] == 2 and
          headers.get("Retry-After") == "2", "POST /_fake/rate_limit: 429 with retry-after in body and header")
    await z.control("POST", "rate_limit", {"count": 1})
    status, headers, body = await z.raw("GET", "/users/me")
    check(status == 429 and "Retry-After" not in headers and body["retry-after"] > 0,
          "without retry_after: the body names the wait, no header")
    await z.control("POST", "away", {"seconds": 1})
    try:
        await z.raw("GET", "/users/me")
        cut = False
    except aiohttp.ClientError:
        cut = True
    check(cut, "POST /_fake/away: REST calls are cut")
    await asyncio.sleep(1.1)
    check((await z.ok("GET", "/users/me"))["email"], "back after the time")
    reqs = (await z.control("GET", "requests"))["requests"]
    check(reqs and all("Authorization" not in json.dumps(r) for r in reqs), "GET /_fake/requests logs calls, no credentials")


async def run(base):
    async with aiohttp.ClientSession() as http:
        z = Zulip(http, base)
        await rest_checks(z)
        await history_checks(z)
        await queue_checks(z)
        await control_checks(z)


def main():
    proc = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "fake_zulip.py"), "--port", "0",
                             "--heartbeat-s", "1"], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            print(f"not ok - the fake did not start: {line!r}")
            return 1
        start = time.monotonic()
        asyncio.run(run(f"http://127.0.0.1:{int(line.split()[1])}"))
        print(f"all fake Zulip checks passed in {time.monotonic() - start:.1f}s")
        return 0
    except Failure as e:
        print(f"not ok - {e}")
        return 1
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
