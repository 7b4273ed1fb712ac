#!/usr/bin/python3
"""The fake Telegram's behaviours (CHECKLIST.md), checked over plain aiohttp
against the fake run as Parley's tests run it: a process started with
--port 0 and stopped with SIGTERM. One `ok - ...` line per check; exits
non-zero at the first failure.

    /usr/bin/python3 backends/telegram/fake/fake_behaviour_test.py
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
TOKEN = "123456:TEST-TOKEN"
OTHER = "777:OTHER:second_bot"


class Api:
    def __init__(self, http, base):
        self.http, self.base = http, base

    async def raw(self, method, token=TOKEN, query=None, form=None, json_body=None, http_method="POST"):
        kwargs = {"params": query or {}}
        if json_body is not None:
            kwargs["json"] = json_body
        elif form is not None:
            kwargs["data"] = form
        async with self.http.request(http_method, f"{self.base}/bot{token}/{method}", **kwargs) as r:
            return r.status, await r.json(content_type=None)

    async def ok(self, method, **kw):
        status, body = await self.raw(method, **kw)
        if status != 200 or not body.get("ok"):
            raise Failure(f"{method} -> {status} {body}")
        return body["result"]

    async def control(self, method, path, body=None):
        async with self.http.request(method, self.base + "/_fake/" + path, json=body) as r:
            return await r.json()


async def run(api):
    me = await api.ok("getMe", http_method="GET")
    check(me["id"] == 123456 and me["username"] == "parley_test_bot" and me["is_bot"], "getMe names the bot")
    check(me["can_read_all_group_messages"] is True, "getMe reports can_read_all_group_messages")
    status, body = await api.raw("getMe", token="1:WRONG")
    check(status == 401 and body["ok"] is False and body["error_code"] == 401, "an unknown token is 401")

    # Per-chat message ids; chats made on first post; negative ids are supergroups.
    a = await api.control("POST", "post", {"chat_id": -1001, "text": "one"})
    b = await api.control("POST", "post", {"chat_id": -1001, "text": "two"})
    c = await api.control("POST", "post", {"chat_id": 42, "text": "private"})
    check(a["message_id"] == 1 and b["message_id"] == 2 and c["message_id"] == 1, "message ids are per chat")
    check(b["update_id"] == a["update_id"] + 1, "update ids ascend")
    chat = await api.ok("getChat", query={"chat_id": "-1001"})
    check(chat["type"] == "supergroup", "a negative chat id is a supergroup")
    check((await api.ok("getChat", query={"chat_id": "42"}))["type"] == "private", "a positive one is private")
    status, _ = await api.raw("getChat", query={"chat_id": "-999"})
    check(status == 400, "getChat of an unknown chat is 400")

    ups = await api.ok("getUpdates", query={"offset": "0", "timeout": "0"})
    check([u["message"]["text"] for u in ups] == ["one", "two", "private"], "getUpdates returns pending updates")
    ups2 = await api.ok("getUpdates", query={"timeout": "0"})
    check(len(ups2) == 3, "updates stay until an offset confirms them")
    await api.ok("getUpdates", query={"offset": str(ups[1]["update_id"] + 1), "timeout": "0"})
    u = await api.control("GET", "updates")
    check(u["pending"] == 1 and u["confirmed_offset"] == ups[1]["update_id"] + 1,
          "an offset confirms every update below it and forgets them")

    # Bodies: query, form and JSON.
    sent = await api.ok("sendMessage", json_body={"chat_id": -1001, "text": "bot says", "reply_to_message_id": 1})
    check(sent["message_id"] == 3 and sent["from"]["username"] == "parley_test_bot", "sendMessage (JSON) returns the message")
    check(sent["reply_to_message"]["message_id"] == 1, "reply_to_message_id is kept")
    sent2 = await api.ok("sendMessage", form={"chat_id": "-1001", "text": "form"})
    sent3 = await api.ok("sendMessage", query={"chat_id": "-1001", "text": "query"})
    check(sent2["message_id"] == 4 and sent3["message_id"] == 5, "form and query bodies work")
    status, body = await api.raw("sendMessage", json_body={"chat_id": -1001, "text": ""})
    check(status == 400, "an empty text is refused")
    status, body = await api.raw("sendMessage", json_body={"chat_id": -1001, "text": "x" * 4097})
    check(status == 400 and "too long" in body["description"], "over 4096 characters is refused")
    ups = await api.ok("getUpdates", query={"timeout": "0"})
    check(all("bot says" != x["message"].get("text") for x in ups), "the bot's own sends are not echoed")
    msgs = (await api.control("GET", "chats/-1001"))["messages"]
    check([m["text"] for m in msgs] == ["one", "two", "bot says", "form", "query"], "/_fake/chats lists every message")

    # Long-poll parking honours timeout, and a post wakes it.
    offset = ups[-1]["update_id"] + 1
    t0 = time.monotonic()
    empty = await api.ok("getUpdates", query={"offset": str(offset), "timeout": "1"})
    check(empty == [] and time.monotonic() - t0 >= 0.9, "an idle long-poll parks for its timeout")
    poll = asyncio.ensure_future(api.ok("getUpdates", query={"offset": str(offset), "timeout": "10"}))
    await asyncio.sleep(0.3)
    check((await api.control("GET", "pollers"))["parked"] == 1, "/_fake/pollers counts a parked poll")
    status, body = await api.raw("getUpdates", query={"offset": str(offset), "timeout": "0"})
    check(status == 409 and "Conflict" in body["description"], "a second concurrent poller gets 409")
    t0 = time.monotonic()
    await api.control("POST", "post", {"chat_id": 42, "text": "wake"})
    woke = await poll
    check(woke[0]["message"]["text"] == "wake" and time.monotonic() - t0 < 2, "a post wakes a parked poll")
    offset = woke[-1]["update_id"] + 1

    # allowed_updates, kinds, forum threads.
    await api.control("POST", "chat", {"chat_id": -1002, "type": "supergroup", "is_forum": True,
                                       "username": "forumchat"})
    await api.control("POST", "post", {"chat_id": -1002, "text": "edit", "kind": "edited_message"})
    await api.control("POST", "post", {"chat_id": -1002, "kind": "sticker"})
    await api.control("POST", "post", {"chat_id": -1002, "text": "in thread", "message_thread_id": 7})
    await api.control("POST", "post", {"chat_id": -1003, "text": "news", "kind": "channel_post"})
    allowed = json.dumps(["message", "channel_post"])
    ups = await api.ok("getUpdates", query={"offset": str(offset), "timeout": "0", "allowed_updates": allowed})
    kinds = [next(k for k in x if k != "update_id") for x in ups]
    check(kinds == ["message", "message", "channel_post"], "allowed_updates leaves other kinds out")
    check("sticker" in ups[0]["message"] and "text" not in ups[0]["message"], "a sticker message has no text")
    check(ups[1]["message"]["message_thread_id"] == 7, "a forum message carries message_thread_id")
    check("from" not in ups[2]["channel_post"], "a channel post has no from")
    status, _ = await api.raw("sendMessage", json_body={"chat_id": -1001, "text": "t", "message_thread_id": 7})
    check(status == 400, "message_thread_id outside a forum is refused")
    s = await api.ok("sendMessage", json_body={"chat_id": "@forumchat", "text": "t", "message_thread_id": 7})
    check(s["message_thread_id"] == 7 and s["chat"]["id"] == -1002, "sendMessage to @username in a thread")
    offset = ups[-1]["update_id"] + 1

    # Privacy mode.
    await api.control("POST", "privacy", {"can_read_all_group_messages": False})
    check((await api.ok("getMe"))["can_read_all_group_messages"] is False, "privacy shows in getMe")
    hidden = await api.control("POST", "post", {"chat_id": -1001, "text": "hidden"})
    check(hidden["update_id"] is None, "privacy mode hides ordinary group messages")
    await api.control("POST", "privacy", {"can_read_all_group_messages": True})

    # 429 with parameters.retry_after.
    await api.control("POST", "rate_limit", {"count": 2, "retry_after": 3})
    s1, b1 = await api.raw("getMe")
    s2, _ = await api.raw("getMe")
    s3, _ = await api.raw("getMe")
    check(s1 == 429 and b1["parameters"]["retry_after"] == 3 and s2 == 429 and s3 == 200,
          "rate_limit answers the next count calls with 429 and retry_after")

    # Away: parked polls dropped, calls cut, then back.
    poll = asyncio.ensure_future(api.raw("getUpdates", query={"offset": str(offset), "timeout": "10"}))
    await asyncio.sleep(0.3)
    r = await api.control("POST", "away", {"seconds": 1})
    check(r["dropped"] == 1, "away drops the parked poll")
    try:
        await poll
        check(False, "a parked poll is cut when the fake goes away")
    except aiohttp.ClientError:
        check(True, "a parked poll is cut when the fake goes away")
    try:
        await api.raw("getMe")
        check(False, "away: Bot API calls are cut")
    except aiohttp.ClientError:
        check(True, "away: Bot API calls are cut")
    await asyncio.sleep(1.1)
    check((await api.ok("getMe"))["id"] == 123456, "back after away")

    # A second token: its own queue, its own poller.
    other = "777:OTHER"
    await api.control("POST", "post", {"chat_id": 42, "text": "to both"})
    ups = await api.ok("getUpdates", token=other, query={"timeout": "0"})
    check(ups[-1]["message"]["text"] == "to both", "each token has its own update queue")


async def main():
    proc = subprocess.Popen(["/usr/bin/python3", os.path.join(HERE, "fake_telegram.py"), "--port", "0",
                             "--token", TOKEN + ":parley_test_bot", "--token", OTHER],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        check(line.startswith("PORT "), "the fake prints PORT n")
        base = f"http://127.0.0.1:{int(line.split()[1])}"
        async with aiohttp.ClientSession() as http:
            await run(Api(http, base))
    finally:
        proc.send_signal(signal.SIGTERM)
        check(proc.wait(timeout=10) == 0, "SIGTERM stops the fake")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except Failure as f:
        print(f"not ok - {f}")
        sys.exit(1)
