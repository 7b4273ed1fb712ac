"""The control API under /_fake/: what a test may do that Zulip does not
offer. Bodies and answers are JSON. It keeps answering while the fake is
"away". Every route is listed in CHECKLIST.md.
"""

import json
import time

from aiohttp import web

from store import ZulipError



async def json_body(request):
    text = await request.text()
    return json.loads(text) if text else {}


def public(msg):
    return dict(msg, content=msg["content"].encode("utf-8", "surrogateescape").decode("utf-8", "replace"))


class ControlApi:
    def __init__(self, fake):
        self.fake = fake
        self.store = fake.store
        self.human = fake.human_email

    def routes(self):
        return [
            web.post("/_fake/post", self.post),
            web.post("/_fake/bulk", self.bulk),
            web.get("/_fake/messages", self.messages),
            web.post("/_fake/expire_queues", self.expire_queues),
            web.get("/_fake/queues", self.queues),
            web.post("/_fake/rate_limit", self.rate_limit),
            web.post("/_fake/away", self.away),
            web.post("/_fake/event", self.event),
            web.post("/_fake/garbage", self.garbage),
            web.get("/_fake/requests", self.requests),
        ]

    def add(self, body, content, deliver=True):
        return self.store.add_message(body.get("sender_email") or self.human, body.get("stream", "parley"),
                                      body.get("topic", ""), content, deliver=deliver, create_stream=True)

    async def post(self, request):
        """{stream, topic, content, sender_email?, content_hex?} -> {id}: a
        human's message (alice by default), delivered to matching queues.
        `content_hex` gives the content as raw bytes, invalid UTF-8 allowed."""
        body = await json_body(request)
        content = body.get("content", "")
        if "content_hex" in body:
            content = bytes.fromhex(body["content_hex"]).decode("utf-8", "surrogateescape")
        try:
            msg = self.add(body, content)
        except ZulipError as e:
            return web.json_response(e.body(), status=400)
        return web.json_response({"id": msg["id"]})

    async def bulk(self, request):
        """{stream, topic, count, prefix?, sender_email?, deliver?: true} ->
        {first_id, last_id}: `count` messages `<prefix><i>` (i from 1) at once."""
        body = await json_body(request)
        prefix = body.get("prefix", "bulk-")
        deliver = bool(body.get("deliver", True))
        first = last = None
        for i in range(1, int(body["count"]) + 1):
            msg = self.add(body, f"{prefix}{i}", deliver=deliver)
            first = first or msg["id"]
            last = msg["id"]
        return web.json_response({"first_id": first, "last_id": last})

    async def messages(self, request):
        """?stream=&topic= -> {messages}: what the fake stores, ascending
        (topic compared without case, as Zulip does; either may be omitted)."""
        stream, topic = request.query.get("stream"), request.query.get("topic")
        out = [public(m) for m in self.store.messages
               if (stream is None or m["display_recipient"].lower() == stream.lower())
               and (topic is None or m["subject"].lower() == topic.lower())]
        return web.json_response({"messages": out})

    async def expire_queues(self, request):
        """-> {expired}: every event queue is gone (as after Zulip's idle
        garbage collection); parked polls answer BAD_EVENT_QUEUE_ID."""
        return web.json_response({"expired": self.store.expire_all()})

    async def queues(self, request):
        """-> {queues: [{queue_id, narrow, last_event_id, parked, user}]}."""
        out = [{"queue_id": q.queue_id, "narrow": json.loads(q.narrow_text or "[]"),
                "last_event_id": q.next_event_id - 1, "parked": q.parked > 0, "user": q.user}
               for q in self.store.queues.values()]
        return web.json_response({"queues": out})

    async def rate_limit(self, request):
        """{count, retry_after?}: the next `count` REST calls answer 429
        RATE_LIMIT_HIT with body `retry-after` (seconds) and, when
        `retry_after` is given, a Retry-After header too (default 0.2 s in the
        body only)."""
        body = await json_body(request)
        self.fake.rate_limits.append({"count": int(body.get("count", 1)), "retry_after": body.get("retry_after")})
        return web.json_response({})

    async def away(self, request):
        """{seconds}: REST calls are cut (no answer) until the time is up;
        parked polls are cut at once."""
        body = await json_body(request)
        self.fake.away_until = time.monotonic() + float(body.get("seconds", 10))
        for q in self.store.queues.values():
            q.wake.set()
        return web.json_response({})

    async def event(self, request):
        """{event, queue_id?}: a raw event (any type, no id) into one queue or all."""
        body = await json_body(request)
        n = 0
        for q in list(self.store.queues.values()):
            if body.get("queue_id") in (None, q.queue_id):
                q.push(body["event"])
                n += 1
        return web.json_response({"queues": n})

    async def garbage(self, request):
        """{count, path?, method?, body?, status?}: the next `count` REST
        answers (to `method` `path`, when given) are `body` (default: not
        JSON) with HTTP `status` (default 200)."""
        body = await json_body(request)
        self.fake.garbage.append({"count": int(body.get("count", 1)), "path": body.get("path"),
                                  "method": body.get("method"), "status": int(body.get("status", 200)),
                                  "body": body.get("body", "<html>not json")})
        return web.json_response({})

    async def requests(self, request):
        """-> {requests: [{method, path, content_type, t}]}: every REST call
        so far (`t`: seconds since the fake started); no credentials."""
        return web.json_response({"requests": self.fake.request_log})
