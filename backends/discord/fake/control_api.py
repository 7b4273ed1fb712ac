"""The fake's control API for tests, under /_fake/ (no auth, JSON bodies).

POST /_fake/channels {name}                    → the channel object (its `id` is the topic)
POST /_fake/channels/{id}/webhooks             → {id, token, url}
POST /_fake/channels/{id}/messages {username, content, attachments?, reply_to?}
                                               → a human's message, dispatched like any other
POST /_fake/gateway/drop                       every socket ends without a close frame
POST /_fake/gateway/close {code, reason?}      every socket gets this close code
POST /_fake/gateway/acks {on}                  stop (or resume) answering heartbeats with op 11
POST /_fake/gateway/refuse_resume {count}      the next `count` RESUMEs get op 9 d:false
POST /_fake/gateway/op {op, d}                 send op 1 / 7 / 9 to every socket
POST /_fake/gateway/raw {kind, size?}          kind: malformed | invalid_utf8 | big | binary | unknown_channel
                                               | unknown_event
POST /_fake/gateway/heartbeat {ms}             the interval the next HELLO announces
POST /_fake/gateway/budget {remaining?, reset_after?, max_concurrency?}
POST /_fake/rate_limit {count, retry_after, header?, body?, global?}
                                               the next `count` REST calls answer 429
POST /_fake/global_limit {per_second}        past it in any second, REST answers a global 429 (0: off)
POST /_fake/outage {seconds}                   REST and gateway vanish (connections cut) that long
POST /_fake/app_flags {flags}                  the application's flags (MESSAGE_CONTENT switch)
GET  /_fake/stats                              {identify, resume, resume_refused, heartbeat, connect, ...,
                                                rest: {"GET /api/v10/...": n}, budget}
"""

import json
import time

from aiohttp import web



class ControlApi:
    def __init__(self, fake):
        self.fake = fake
        self.store = fake.store
        self.gw = fake.gateway

    def routes(self):
        return [
            web.post("/_fake/channels", self.add_channel),
            web.post("/_fake/channels/{cid}/webhooks", self.add_webhook),
            web.post("/_fake/channels/{cid}/messages", self.human_post),
            web.post("/_fake/gateway/drop", self.drop),
            web.post("/_fake/gateway/close", self.close),
            web.post("/_fake/gateway/acks", self.acks),
            web.post("/_fake/gateway/refuse_resume", self.refuse_resume),
            web.post("/_fake/gateway/op", self.op),
            web.post("/_fake/gateway/raw", self.raw),
            web.post("/_fake/gateway/heartbeat", self.heartbeat),
            web.post("/_fake/gateway/budget", self.budget),
            web.post("/_fake/rate_limit", self.rate_limit),
            web.post("/_fake/outage", self.outage),
            web.post("/_fake/global_limit", self.global_limit),
            web.post("/_fake/app_flags", self.app_flags),
            web.get("/_fake/stats", self.stats),
        ]

    @staticmethod
    async def body(request):
        text = await request.text()
        return json.loads(text) if text else {}

    async def add_channel(self, request):
        b = await self.body(request)
        return web.json_response(self.store.add_channel(b.get("name", "parley")))

    async def add_webhook(self, request):
        hook = self.store.add_webhook(request.match_info["cid"])
        url = f"http://127.0.0.1:{self.fake.port}/api/v10/webhooks/{hook['id']}/{hook['token']}"
        return web.json_response(dict(hook, url=url))

    async def human_post(self, request):
        b = await self.body(request)
        author = self.store.human(b.get("username", "alice"))
        ref = {"message_id": b["reply_to"]} if b.get("reply_to") else None
        msg = self.store.create_message(request.match_info["cid"], author, b.get("content", ""), ref,
                                        b.get("attachments"))
        self.gw.message_create(msg)
        return web.json_response(msg)

    async def drop(self, request):
        self.gw.drop_all()
        return web.json_response({})

    async def close(self, request):
        b = await self.body(request)
        await self.gw.close_all(int(b["code"]), b.get("reason", ""))
        return web.json_response({})

    async def acks(self, request):
        self.gw.ack = bool((await self.body(request)).get("on", False))
        return web.json_response({})

    async def refuse_resume(self, request):
        self.gw.refuse_resumes = int((await self.body(request)).get("count", 1))
        return web.json_response({})

    async def op(self, request):
        b = await self.body(request)
        await self.gw.op_all(int(b["op"]), b.get("d"))
        return web.json_response({})

    async def raw(self, request):
        b = await self.body(request)
        kind = b["kind"]
        if kind == "malformed":
            await self.gw.send_all('{"op": 0, "t": "MESSAGE_CREATE", "d": {"id": ')
        elif kind == "invalid_utf8":
            await self.gw.send_all(b'{"op":0,"t":"MESSAGE_CREATE","s":null,"d":{"content":"\xff\xfe\xc3"}}')
        elif kind == "binary":
            await self.gw.send_all(b"\x00\x01\x02", binary=True)
        elif kind == "big":
            size = int(b.get("size", 4 * 1024 * 1024))
            await self.gw.send_all(json.dumps({"op": 0, "t": "PARLEY_PADDING", "s": None, "d": {"pad": "x" * size}}))
        elif kind == "unknown_channel":
            author = self.store.human("stranger")
            self.gw.raw_dispatch("MESSAGE_CREATE", {
                "id": str(self.store.ids.next()), "channel_id": str(self.store.ids.next()), "author": author,
                "content": "for nobody", "timestamp": "2026-01-01T00:00:00.000000+00:00", "type": 0,
                "attachments": [], "embeds": [], "mentions": []})
        elif kind == "unknown_event":
            self.gw.raw_dispatch("SOMETHING_NEW", {"x": 1})
        else:
            return web.json_response({"error": f"unknown kind {kind}"}, status=400)
        return web.json_response({})

    async def heartbeat(self, request):
        self.gw.heartbeat_ms = int((await self.body(request))["ms"])
        return web.json_response({})

    async def budget(self, request):
        b = await self.body(request)
        self.gw.set_budget(**{k: b[k] for k in ("remaining", "reset_after", "max_concurrency", "total") if k in b})
        return web.json_response(self.gw.current_budget())

    async def rate_limit(self, request):
        b = await self.body(request)
        spec = {"retry_after": float(b.get("retry_after", 0.3)), "header": bool(b.get("header", True)),
                "body": bool(b.get("body", True)), "global": bool(b.get("global", False))}
        self.fake.rate_limits.extend(dict(spec) for _ in range(int(b.get("count", 1))))
        return web.json_response({})

    async def global_limit(self, request):
        self.fake.global_limit = int((await self.body(request)).get("per_second", 0))
        return web.json_response({})

    async def outage(self, request):
        seconds = float((await self.body(request)).get("seconds", 10))
        self.fake.outage_until = time.monotonic() + seconds
        self.gw.drop_all()
        return web.json_response({})

    async def app_flags(self, request):
        self.store.application["flags"] = int((await self.body(request))["flags"])
        return web.json_response(self.store.application)

    async def stats(self, request):
        return web.json_response(dict(self.gw.stats, rest=self.fake.rest_calls, budget=self.gw.current_budget(),
                                      global_limited=self.fake.global_limited,
                                      sessions=len(self.gw.sessions), sockets=len(self.gw.sockets)))
