#!/usr/bin/python3
"""The fake Slack's behaviours (CHECKLIST.md), checked over plain aiohttp
against the fake run as Parley's tests run it: a process started with
--port 0 and stopped with SIGTERM. One `ok - ...` line per check; exits
non-zero at the first failure.

    /usr/bin/python3 backends/slack/fake/fake_behaviour_test.py
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
BOT, CUSTOM, APP = "xoxb-fake", "xoxb-fake-customize", "xapp-fake"


class Slack:
    def __init__(self, http, base):
        self.http, self.base = http, base

    async def raw(self, method, form=None, token=BOT, json_body=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        kwargs = {"json": json_body} if json_body is not None else {"data": form or {}}
        async with self.http.post(f"{self.base}/api/{method}", headers=headers, **kwargs) as r:
            return r.status, r.headers, await r.json(content_type=None)

    async def call(self, method, token=BOT, **form):
        status, _, body = await self.raw(method, form, token)
        if status != 200:
            raise Failure(f"{method} -> HTTP {status}")
        return body

    async def ok(self, method, token=BOT, **form):
        body = await self.call(method, token, **form)
        if not body.get("ok"):
            raise Failure(f"{method} -> {body}")
        return body

    async def control(self, method, path, body=None):
        async with self.http.request(method, self.base + "/_fake/" + path, json=body) as r:
            return await r.json()


def ts_key(ts):
    s, _, u = ts.partition(".")
    return int(s), int(u)


async def web_api_checks(s):
    body = await s.ok("auth.test")
    check(body["user_id"] and body["bot_id"] and body["user"] == "parley", "auth.test names the bot user and bot id")
    _, headers, _ = await s.raw("auth.test")
    check("chat:write" in headers["x-oauth-scopes"] and "customize" not in headers["x-oauth-scopes"],
          "x-oauth-scopes lists the token's scopes")
    check((await s.call("auth.test", token="xoxb-wrong"))["error"] == "invalid_auth", "unknown token: invalid_auth")
    check((await s.call("auth.test", token=None))["error"] == "not_authed", "no token: not_authed")
    _, _, body = await s.raw("auth.test", json_body={"x": 1})
    check(body["error"] == "invalid_form_data", "a JSON body is refused: every method is form-encoded")
    check((await s.call("nope.nothing"))["error"] == "unknown_method", "unknown method: unknown_method")
    check((await s.call("conversations.history", channel="lowercase"))["error"] == "channel_not_found",
          "a channel id that is not C…/G…: channel_not_found")
    check((await s.call("chat.postMessage", channel="C0EMPTY", text=""))["error"] == "no_text", "empty text: no_text")
    check((await s.call("chat.postMessage", channel="C0LONG", text="x" * 40001))["error"] == "msg_too_long",
          "over 40000 characters: msg_too_long")
    post = await s.ok("chat.postMessage", channel="C0POST", text="hi & <b>")
    check(post["channel"] == "C0POST" and post["message"]["ts"] == post["ts"] and post["message"]["text"] == "hi & <b>",
          "chat.postMessage answers channel, ts and the stored message, text as sent")
    check(post["message"]["bot_id"] and post["message"]["user"] and "subtype" not in post["message"],
          "a bot's post carries bot_id and the bot user, no subtype")
    plain = await s.ok("chat.postMessage", channel="C0POST", text="x", username="alice-bot")
    check("username" not in plain["message"], "username is ignored without chat:write.customize")
    named = await s.ok("chat.postMessage", token=CUSTOM, channel="C0POST", text="x", username="alice-bot")
    check(named["message"]["username"] == "alice-bot" and named["message"]["subtype"] == "bot_message",
          "with chat:write.customize username shows, as a bot_message")
    check((await s.call("apps.connections.open"))["error"] == "not_allowed_token_type",
          "apps.connections.open refuses a bot token")
    check((await s.call("conversations.history", token=APP, channel="C0POST"))["error"] == "not_allowed_token_type",
          "Web API methods refuse the app token")
    who = await s.ok("users.lookupByEmail", email="alice@example.com")
    check(who["user"]["id"] == "U0HUMAN", "users.lookupByEmail finds a user")
    check((await s.call("users.lookupByEmail", email="nobody@example.com"))["error"] == "users_not_found",
          "users.lookupByEmail: users_not_found")
    info = await s.ok("conversations.info", channel="C0POST")
    check(info["channel"]["id"] == "C0POST" and info["channel"]["is_member"], "conversations.info names the channel")
    await s.control("POST", "scopes", {"token": "xoxb-noread", "scopes": ["chat:write"]})
    body = await s.call("conversations.history", token="xoxb-noread", channel="C0POST")
    check(body["error"] == "missing_scope" and "channels:history" in body["needed"], "a missing scope: missing_scope")


async def history_checks(s):
    tss = [(await s.ok("chat.postMessage", channel="C0HIST", text=f"m{i}"))["ts"] for i in range(120)]
    check(all(ts_key(a) < ts_key(b) for a, b in zip(tss, tss[1:])), "ts strictly increasing per channel")
    check(all(len(t.split(".")[1]) == 6 for t in tss), "ts is <seconds>.<6 digits>")
    page = await s.ok("conversations.history", channel="C0HIST", limit="200")
    check(len(page["messages"]) == 50 and page["has_more"], "pages hold at most 50 messages, whatever the limit")
    check(page["messages"][0]["text"] == "m119", "history is newest first")
    seen = [m["text"] for m in page["messages"]]
    while page["response_metadata"]["next_cursor"]:
        page = await s.ok("conversations.history", channel="C0HIST", limit="200",
                          cursor=page["response_metadata"]["next_cursor"])
        seen += [m["text"] for m in page["messages"]]
    check(seen == [f"m{i}" for i in range(119, -1, -1)], "next_cursor pages to the oldest, nothing twice")
    check(page["has_more"] is False and page["response_metadata"]["next_cursor"] == "", "the last page: no cursor")
    after = await s.ok("conversations.history", channel="C0HIST", oldest=tss[117])
    check([m["text"] for m in after["messages"]] == ["m119", "m118"], "oldest is exclusive")
    incl = await s.ok("conversations.history", channel="C0HIST", oldest=tss[117], inclusive="true")
    check(len(incl["messages"]) == 3, "inclusive=true includes oldest")
    before = await s.ok("conversations.history", channel="C0HIST", latest=tss[2])
    check([m["text"] for m in before["messages"]] == ["m1", "m0"], "latest is exclusive")
    small = await s.ok("conversations.history", channel="C0HIST", limit="3")
    check(len(small["messages"]) == 3, "a limit under 50 is honoured")
    empty = await s.ok("conversations.history", channel="C0NEVER")
    check(empty["messages"] == [] and not empty["has_more"], "a never-used channel is empty")
    check((await s.call("conversations.history", channel="C0HIST", cursor="bogus"))["error"] == "invalid_cursor",
          "a made-up cursor: invalid_cursor")
    await s.control("POST", "clock", {"channel": "C0CLOCK", "next_ts": "9.999999"})
    a = (await s.ok("chat.postMessage", channel="C0CLOCK", text="a"))["ts"]
    b = (await s.ok("chat.postMessage", channel="C0CLOCK", text="b"))["ts"]
    check(a == "9.999999" and b == "10.000000", "the control clock crosses a seconds boundary (9.999999 → 10.000000)")
    r = await s.control("POST", "post", {"channel": "C0HIST", "subtype": "channel_join", "text": "joined"})
    sys_page = await s.ok("conversations.history", channel="C0HIST", limit="1")
    check(sys_page["messages"][0]["ts"] == r["ts"] and sys_page["messages"][0]["subtype"] == "channel_join",
          "system messages (subtype) appear in history")


async def thread_checks(s):
    root = (await s.ok("chat.postMessage", channel="C0THR", text="root"))["ts"]
    hidden = await s.ok("chat.postMessage", channel="C0THR", text="in thread", thread_ts=root)
    check(hidden["message"]["thread_ts"] == root, "a reply carries thread_ts = the parent's ts")
    shown = await s.ok("chat.postMessage", channel="C0THR", text="also in channel", thread_ts=root,
                       reply_broadcast="true")
    check(shown["message"]["subtype"] == "thread_broadcast", "reply_broadcast makes a thread_broadcast")
    hist = await s.ok("conversations.history", channel="C0THR")
    texts = [m["text"] for m in hist["messages"]]
    check(texts == ["also in channel", "root"], "history shows top-level and broadcast messages, not thread-only replies")
    check(hist["messages"][1]["reply_count"] == 2 and hist["messages"][1]["thread_ts"] == root,
          "the parent carries thread_ts = its own ts and reply_count")
    rep = await s.ok("conversations.replies", channel="C0THR", ts=root)
    check([m["text"] for m in rep["messages"]] == ["root", "in thread", "also in channel"],
          "conversations.replies: the parent first, then every reply oldest first")
    check((await s.call("chat.postMessage", channel="C0THR", text="x", thread_ts="1.000000"))["error"] ==
          "thread_not_found", "a reply to an unknown ts: thread_not_found")


async def open_socket(http, s):
    url = (await s.ok("apps.connections.open", token=APP))["url"]
    ws = await http.ws_connect(url)
    hello = json.loads((await ws.receive(timeout=5)).data)
    return url, ws, hello


async def next_json(ws, timeout=5):
    msg = await ws.receive(timeout=timeout)
    if msg.type != aiohttp.WSMsgType.TEXT:
        raise Failure(f"expected a text frame, got {msg.type}")
    return json.loads(msg.data)


async def socket_checks(http, s):
    url, ws, hello = await open_socket(http, s)
    check(url.startswith("ws://") and "ticket=" in url, "apps.connections.open with the app token gives a ws URL")
    check(hello["type"] == "hello" and hello["connection_info"]["app_id"], "the server speaks first: hello")
    try:
        await http.ws_connect(url)
        check(False, "a used ticket is refused")
    except aiohttp.WSServerHandshakeError:
        check(True, "a used ticket is refused")
    posted = await s.ok("chat.postMessage", channel="C0LIVE", text="live")
    env = await next_json(ws)
    check(env["type"] == "events_api" and env["envelope_id"] and env["retry_attempt"] == 0,
          "a post arrives as an events_api envelope with an envelope_id")
    ev = env["payload"]["event"]
    check(ev["type"] == "message" and ev["channel"] == "C0LIVE" and ev["ts"] == posted["ts"] and ev["bot_id"],
          "the event is the message, own posts included, with its channel")
    await ws.send_str(json.dumps({"envelope_id": env["envelope_id"]}))
    human = await s.control("POST", "post", {"channel": "C0LIVE", "text": "from alice"})
    env2 = await next_json(ws)
    check(env2["payload"]["event"]["user"] == "U0HUMAN" and env2["payload"]["event"]["ts"] == human["ts"],
          "a human's message (control API) arrives live")
    await asyncio.sleep(0.2)
    acks = await s.control("GET", "acks")
    check(env["envelope_id"] in acks["acks"] and env2["envelope_id"] not in acks["acks"], "acks are recorded")
    retry = await next_json(ws, timeout=6)
    check(retry["envelope_id"] == env2["envelope_id"] and retry["retry_attempt"] == 1,
          "an envelope not acked in time is sent again with retry_attempt 1")
    await ws.send_str(json.dumps({"envelope_id": env2["envelope_id"]}))
    again = await s.control("POST", "redeliver", {"channel": "C0LIVE"})
    env3 = await next_json(ws)
    check(env3["envelope_id"] == again["envelope_id"] and env3["retry_attempt"] == 1 and
          env3["payload"]["event"]["ts"] == human["ts"], "redeliver resends the newest message with retry_attempt 1")
    await ws.send_str(json.dumps({"envelope_id": env3["envelope_id"]}))
    await s.control("POST", "disconnect", {"reason": "refresh_requested", "close_after_s": 0.5})
    disc = await next_json(ws)
    check(disc["type"] == "disconnect" and disc["reason"] == "refresh_requested", "a disconnect envelope on demand")
    closed = await ws.receive(timeout=5)
    check(closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), "the server closes after a disconnect")
    _, ws, _ = await open_socket(http, s)
    _, ws2, hello2 = await open_socket(http, s)
    check(hello2["num_connections"] == 2, "hello counts the open connections")
    for i in range(4):
        await s.control("POST", "post", {"channel": "C0RR", "text": f"r{i}"})
    got = {"a": 0, "b": 0}
    for name, sock in (("a", ws), ("b", ws2)):
        for _ in range(2):
            e = await next_json(sock)
            await sock.send_str(json.dumps({"envelope_id": e["envelope_id"]}))
            got[name] += 1
    check(got == {"a": 2, "b": 2}, "with two connections each event goes to one of them")
    await ws2.close()
    await fault_checks(http, s, ws)


async def fault_checks(http, s, ws):
    await s.control("POST", "rate_limit", {"count": 1, "retry_after": 2})
    status, headers, body = await s.raw("auth.test")
    check(status == 429 and headers.get("Retry-After") == "2" and body["error"] == "ratelimited",
          "a queued 429 with Retry-After")
    await s.control("POST", "rate_limit", {"count": 1, "retry_after": None})
    status, headers, _ = await s.raw("auth.test")
    check(status == 429 and "Retry-After" not in headers, "a queued 429 without Retry-After")
    check((await s.raw("auth.test"))[0] == 200, "the next call answers again")
    for kind in ("not_json", "invalid_utf8", "huge", "unknown_channel"):
        r = await s.control("POST", "frame", {"kind": kind})
        msg = await ws.receive(timeout=5)
        check(r["sent"] == 1 and msg.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.ERROR),
              f"a bad frame on demand: {kind}")
        if msg.type == aiohttp.WSMsgType.ERROR:  # aiohttp itself refuses invalid UTF-8 text: reconnect
            _, ws, _ = await open_socket(http, s)
    r = await s.control("POST", "drop")
    check(r["dropped"] == 1, "drop cuts the socket")
    await s.control("POST", "away", {"seconds": 1})
    try:
        await s.raw("auth.test")
        check(False, "away: Web API calls get no answer")
    except aiohttp.ClientError:
        check(True, "away: Web API calls get no answer")
    silent = await s.control("POST", "post", {"channel": "C0AWAY", "text": "while away"})
    await asyncio.sleep(1.1)
    hist = await s.ok("conversations.history", channel="C0AWAY")
    check(hist["messages"][0]["ts"] == silent["ts"], "back after the time; what humans posted meanwhile is in history")
    calls = (await s.control("GET", "calls"))["calls"]
    check(all(c["content_type"] == "application/x-www-form-urlencoded" for c in calls if c["method"] == "chat.postMessage"),
          "calls are recorded with their content type")


async def run(base):
    async with aiohttp.ClientSession() as http:
        s = Slack(http, base)
        await web_api_checks(s)
        await history_checks(s)
        await thread_checks(s)
        await socket_checks(http, s)


def main():
    proc = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "fake_slack.py"), "--port", "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        if not line.startswith("PORT "):
            print(f"not ok - the fake did not start: {line!r}")
            return 1
        start = time.monotonic()
        asyncio.run(run(f"http://127.0.0.1:{int(line.split()[1])}"))
        print(f"all fake Slack checks passed in {time.monotonic() - start:.1f}s")
        return 0
    except Failure as e:
        print(f"not ok - {e}")
        return 1
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
