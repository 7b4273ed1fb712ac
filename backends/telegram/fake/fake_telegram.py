#!/usr/bin/python3
"""A fake Telegram Bot API for Parley's tests: the methods Parley's Telegram
backend calls, under /bot<token>/<method>, and a control API under /_fake/
for humans' messages and faults.

    /usr/bin/python3 fake_telegram.py --port 0 [--token TOKEN[:USERNAME]]...

prints `PORT <n>` once listening on 127.0.0.1 and runs until SIGTERM. The
Bot API base URL is `http://127.0.0.1:<n>`. Default token `123456:TEST-TOKEN`,
username `parley_test_bot`. What it models: CHECKLIST.md beside it.
"""

import argparse
import asyncio
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "support"))

from aiohttp import web  # noqa: E402

from fake_serve import listen, serve  # noqa: E402

DEFAULT_TOKENS = {"123456:TEST-TOKEN": "parley_test_bot"}
MAX_TEXT = 4096  # UTF-16 code units, as Telegram counts
UPDATE_KINDS = ("message", "channel_post", "edited_message")


def api_error(status, description, **extra):
    body = {"ok": False, "error_code": status, "description": description}
    body.update(extra)
    return web.json_response(body, status=status)


def ok(result):
    return web.json_response({"ok": True, "result": result})


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


class Bot:
    """One bot token: its identity, its update queue and its poller."""

    def __init__(self, token, username):
        self.token = token
        self.id = int(token.split(":")[0])
        self.username = username
        self.updates = []  # pending, ascending update_id
        self.next_update_id = 500000 + self.id % 1000 * 1000
        self.confirmed_offset = 0
        self.polling = False  # a getUpdates is in flight
        self.parked = 0
        self.wake = asyncio.Event()

    def user(self):
        return {"id": self.id, "is_bot": True, "first_name": self.username, "username": self.username}

    def confirm(self, offset):
        """offset confirms every update below it: they are forgotten."""
        if offset <= 0:
            return
        self.confirmed_offset = max(self.confirmed_offset, offset)
        self.updates = [u for u in self.updates if u["update_id"] >= self.confirmed_offset]

    def push(self, kind, message):
        u = {"update_id": self.next_update_id, kind: message}
        self.next_update_id += 1
        self.updates.append(u)
        self.wake.set()
        return u["update_id"]


class FakeTelegram:
    def __init__(self, tokens=None):
        self.bots = {t: Bot(t, u) for t, u in (tokens or DEFAULT_TOKENS).items()}
        self.chats = {}  # chat id -> {"chat": {...}, "messages": [...], "next_id": n}
        self.can_read_all = True
        self.rate_limits = []  # [count, retry_after]
        self.away_until = 0.0
        self.away_event = asyncio.Event()
        self.calls = []  # (token id, method)
        self.runner = None

    # --- chats and messages -------------------------------------------------

    def chat(self, chat_id, type_=None, **extra):
        chat_id = int(chat_id)
        c = self.chats.get(chat_id)
        if c is None:
            t = type_ or ("supergroup" if chat_id < 0 else "private")
            info = {"id": chat_id, "type": t}
            if t == "private":
                info["first_name"] = f"user{chat_id}"
            else:
                info["title"] = f"chat {chat_id}"
            c = {"chat": info, "messages": [], "next_id": 1}
            self.chats[chat_id] = c
        if type_ is not None:
            c["chat"]["type"] = type_
        for k, v in extra.items():
            if v is not None:
                c["chat"][k] = v
        return c

    def chat_by_ref(self, ref):
        ref = str(ref)
        if ref.startswith("@"):
            for c in self.chats.values():
                if c["chat"].get("username") == ref[1:]:
                    return c
            return None
        try:
            return self.chats.get(int(ref))
        except ValueError:
            return None

    def add_message(self, c, sender, text, thread=None, reply_to=None, chat_sender=False, **extra):
        m = {"message_id": c["next_id"], "date": int(time.time()), "chat": dict(c["chat"])}
        c["next_id"] += 1
        if not chat_sender:
            m["from"] = sender
        else:
            m["sender_chat"] = dict(c["chat"])
        if thread is not None:
            m["message_thread_id"] = int(thread)
            m["is_topic_message"] = True
        if reply_to is not None:
            for old in c["messages"]:
                if old["message_id"] == int(reply_to):
                    m["reply_to_message"] = {k: v for k, v in old.items() if k != "reply_to_message"}
        if text is not None:
            m["text"] = text
        m.update(extra)
        c["messages"].append(m)
        return m

    def visible_to(self, bot, chat, m):
        """Privacy mode: in groups a bot sees only commands and replies to it."""
        if self.can_read_all or chat["type"] not in ("group", "supergroup"):
            return True
        if m.get("text", "").startswith("/"):
            return True
        return m.get("reply_to_message", {}).get("from", {}).get("id") == bot.id

    # --- middleware ----------------------------------------------------------

    @web.middleware
    async def middleware(self, request, handler):
        if request.path.startswith("/_fake/"):
            return await handler(request)
        if self.away_until > time.monotonic():
            request.transport.abort()  # gone: the connection is cut before any answer
            raise web.HTTPServiceUnavailable()
        if self.rate_limits:
            rl = self.rate_limits[0]
            rl[0] -= 1
            if rl[0] <= 0:
                self.rate_limits.pop(0)
            return api_error(429, f"Too Many Requests: retry after {rl[1]}", parameters={"retry_after": rl[1]})
        return await handler(request)

    # --- the Bot API ------------------------------------------------------------

    async def params(self, request):
        p = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    body = None
                if not isinstance(body, dict):
                    raise web.HTTPBadRequest(text="bad JSON body")
                p.update(body)
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                p.update({k: v for k, v in (await request.post()).items()})
        return p

    async def bot_api(self, request):
        bot = self.bots.get(request.match_info["token"])
        if bot is None:
            return api_error(401, "Unauthorized")
        method = request.match_info["method"]
        self.calls.append((bot.id, method))
        handler = {
            "getMe": self.get_me, "getChat": self.get_chat, "sendMessage": self.send_message,
            "getUpdates": self.get_updates,
        }.get(method)
        if handler is None:
            return api_error(404, "Not Found")
        try:
            return await handler(bot, await self.params(request))
        except ConnectionResetError:
            request.transport.abort()  # went away while the poll was parked
            raise web.HTTPServiceUnavailable()

    async def get_me(self, bot, _):
        me = bot.user()
        me.update({"can_join_groups": True, "can_read_all_group_messages": self.can_read_all,
                   "supports_inline_queries": False})
        return ok(me)

    async def get_chat(self, _bot, p):
        c = self.chat_by_ref(p.get("chat_id", ""))
        if c is None:
            return api_error(400, "Bad Request: chat not found")
        return ok(dict(c["chat"]))

    async def send_message(self, bot, p):
        c = self.chat_by_ref(p.get("chat_id", ""))
        if c is None:
            return api_error(400, "Bad Request: chat not found")
        text = p.get("text")
        if not isinstance(text, str) or text == "":
            return api_error(400, "Bad Request: message text is empty")
        if utf16_len(text) > MAX_TEXT:
            return api_error(400, "Bad Request: message is too long")
        thread = p.get("message_thread_id")
        if thread is not None and not c["chat"].get("is_forum"):
            return api_error(400, "Bad Request: message thread not found")
        reply = p.get("reply_to_message_id")
        if reply is not None and not any(m["message_id"] == int(reply) for m in c["messages"]):
            return api_error(400, "Bad Request: message to be replied not found")
        m = self.add_message(c, bot.user(), text, thread, reply, chat_sender=c["chat"]["type"] == "channel")
        return ok(m)  # never echoed to getUpdates

    async def get_updates(self, bot, p):
        if bot.polling:
            return api_error(409, "Conflict: terminated by other getUpdates request; "
                                  "make sure that only one bot instance is running")
        try:
            offset = int(p.get("offset", 0))
            timeout = max(0.0, float(p.get("timeout", 0)))
            limit = min(100, max(1, int(p.get("limit", 100))))
        except ValueError:
            return api_error(400, "Bad Request: invalid parameters")
        allowed = p.get("allowed_updates")
        if isinstance(allowed, str):
            allowed = json.loads(allowed) if allowed else None
        bot.confirm(offset)
        bot.polling = True
        try:
            deadline = time.monotonic() + timeout
            while True:
                ready = [u for u in bot.updates if not allowed or any(k in u for k in allowed)]
                if ready or time.monotonic() >= deadline:
                    return ok(ready[:limit])
                bot.wake.clear()
                bot.parked += 1
                waits = [asyncio.ensure_future(bot.wake.wait()), asyncio.ensure_future(self.away_event.wait())]
                try:
                    await asyncio.wait(waits, timeout=deadline - time.monotonic(),
                                       return_when=asyncio.FIRST_COMPLETED)
                finally:
                    bot.parked -= 1
                    for w in waits:
                        w.cancel()
                if self.away_until > time.monotonic():
                    raise ConnectionResetError("away")
        finally:
            bot.polling = False

    # --- the control API -------------------------------------------------------

    def default_bot(self, request):
        t = request.query.get("token")
        return self.bots[t] if t else next(iter(self.bots.values()))

    async def c_post(self, request):
        b = await request.json()
        kind = b.get("kind", "message")
        c = self.chat(b["chat_id"])
        sender = b.get("from") or {"id": 1000 + abs(int(b["chat_id"])) % 1000, "first_name": "Human",
                                   "username": "human"}
        sender.setdefault("is_bot", False)
        sender.setdefault("first_name", sender.get("username", "Human"))
        text = b.get("text")
        extra = {}
        if kind == "sticker":
            extra["sticker"] = {"file_id": "sticker1", "emoji": "🦜", "width": 512, "height": 512}
            text = None
        elif kind == "service":
            extra["new_chat_members"] = [sender]
            text = None
        m = self.add_message(c, sender, text, b.get("message_thread_id"), b.get("reply_to_message_id"),
                             chat_sender=kind == "channel_post", **extra)
        update_kind = {"channel_post": "channel_post", "edited_message": "edited_message"}.get(kind, "message")
        if kind == "edited_message":
            m["edit_date"] = m["date"]
        first = None
        for bot in self.bots.values():
            if self.visible_to(bot, c["chat"], m):
                uid = bot.push(update_kind, m)
                first = uid if first is None else first
        return web.json_response({"update_id": first, "message_id": m["message_id"], "message": m})

    async def c_chat(self, request):
        b = await request.json()
        c = self.chat(b["chat_id"], b.get("type"), title=b.get("title"), username=b.get("username"),
                      is_forum=b.get("is_forum"))
        return web.json_response(c["chat"])

    async def c_chat_messages(self, request):
        c = self.chats.get(int(request.match_info["chat_id"]))
        return web.json_response({"messages": [] if c is None else c["messages"]})

    async def c_updates(self, request):
        bot = self.default_bot(request)
        return web.json_response({"confirmed_offset": bot.confirmed_offset, "pending": len(bot.updates)})

    async def c_pollers(self, request):
        return web.json_response({"parked": self.default_bot(request).parked})

    async def c_privacy(self, request):
        self.can_read_all = bool((await request.json())["can_read_all_group_messages"])
        return web.json_response({"can_read_all_group_messages": self.can_read_all})

    async def c_rate_limit(self, request):
        b = await request.json()
        self.rate_limits.append([int(b["count"]), int(b.get("retry_after", 1))])
        return web.json_response({"queued": int(b["count"])})

    async def c_away(self, request):
        seconds = float((await request.json()).get("seconds", 5))
        self.away_until = time.monotonic() + seconds
        self.away_event.set()
        parked = sum(b.parked for b in self.bots.values())
        asyncio.get_running_loop().call_later(seconds, self.away_event.clear)
        return web.json_response({"dropped": parked})

    async def c_calls(self, request):
        return web.json_response({"calls": [{"bot_id": i, "method": m} for i, m in self.calls]})

    def make_app(self):
        app = web.Application(middlewares=[self.middleware], client_max_size=32 << 20)
        app.add_routes([
            web.route("*", "/bot{token}/{method}", self.bot_api),
            web.post("/_fake/post", self.c_post),
            web.post("/_fake/chat", self.c_chat),
            web.get("/_fake/chats/{chat_id}", self.c_chat_messages),
            web.get("/_fake/updates", self.c_updates),
            web.get("/_fake/pollers", self.c_pollers),
            web.get("/_fake/calls", self.c_calls),
            web.post("/_fake/privacy", self.c_privacy),
            web.post("/_fake/rate_limit", self.c_rate_limit),
            web.post("/_fake/away", self.c_away),
        ])
        return app

    async def start(self, port=0, host="127.0.0.1"):
        """Listen and return the bound port."""
        self.runner, port = await listen(self.make_app(), port, host)
        return port

    async def stop(self):
        if self.runner is not None:
            await self.runner.cleanup()


def parse_token(spec):
    parts = spec.split(":")
    token = ":".join(parts[:2])
    return token, (parts[2] if len(parts) > 2 else f"bot{parts[0]}")


async def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--token", action="append", default=[], metavar="TOKEN[:USERNAME]")
    args = p.parse_args(argv)
    tokens = dict(parse_token(t) for t in args.token) if args.token else None
    return await serve(FakeTelegram(tokens), args.port)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
