"""The REST API under /api/v1/ that Parley's Zulip backend calls, with HTTP
Basic auth and form-encoded parameters (a JSON body is not read, exactly as
Zulip does not, so its parameters are missing: 400 REQUEST_VARIABLE_MISSING).
"""

import asyncio
import base64
import json

from aiohttp import web

from store import ZulipError, parse_narrow


def answer(body=None, status=200):
    out = {"result": "success", "msg": ""}
    out.update(body or {})
    # ensure_ascii=False + surrogateescape: a message stored with invalid
    # UTF-8 bytes (the bad-input control) goes out as those raw bytes.
    text = json.dumps(out, ensure_ascii=False).encode("utf-8", "surrogateescape")
    return web.Response(body=text, status=status, content_type="application/json")


def error(e):
    return answer_raw(e.body(), e.status)


def answer_raw(body, status):
    return web.Response(text=json.dumps(body), status=status, content_type="application/json")


async def params(request):
    """Query parameters and, unless the body is JSON, form fields."""
    out = dict(request.query)
    if request.method != "GET" and request.content_type != "application/json":
        form = await request.post()
        out.update({k: v for k, v in form.items()})
    return out


def required(p, name):
    if name not in p:
        raise ZulipError(400, f"Missing '{name}' argument", "REQUEST_VARIABLE_MISSING", var_name=name)
    return p[name]


def int_param(p, name, default=None):
    if name not in p:
        if default is None:
            required(p, name)
        return default
    try:
        return int(p[name])
    except ValueError:
        raise ZulipError(400, f"Invalid {name}")


def bool_param(p, name, default):
    v = p.get(name)
    if v is None:
        return default
    if v in ("true", "True", "1"):
        return True
    if v in ("false", "False", "0"):
        return False
    raise ZulipError(400, f"{name} is not a boolean")


def public_user(u):
    return {k: u[k] for k in ("user_id", "email", "full_name", "is_bot", "is_active")}


class RestApi:
    def __init__(self, fake):
        self.fake = fake
        self.store = fake.store

    def routes(self):
        r = [
            web.get("/api/v1/users/me", self.me),
            web.get("/api/v1/users", self.users),
            web.get("/api/v1/users/me/subscriptions", self.subscriptions),
            web.post("/api/v1/users/me/subscriptions", self.subscribe),
            web.get("/api/v1/get_stream_id", self.stream_id),
            web.post("/api/v1/messages", self.send),
            web.get("/api/v1/messages", self.messages),
            web.get("/api/v1/messages/{id}", self.message),
            web.post("/api/v1/register", self.register),
            web.get("/api/v1/events", self.events),
            web.delete("/api/v1/events", self.delete_queue),
        ]
        return r

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            raise ZulipError(401, "Missing 'Authorization' header.", "UNAUTHORIZED")
        try:
            email, _, key = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            raise ZulipError(401, "Invalid authorization header for basic auth", "UNAUTHORIZED")
        user = self.store.user_by_email(email)
        if user is None or user["api_key"] != key:
            raise ZulipError(401, "Invalid API key", "INVALID_API_KEY")
        return user

    @web.middleware
    async def middleware(self, request, handler):
        if not request.path.startswith("/api/v1/"):
            return await handler(request)
        try:
            request["user"] = self.authenticate(request)
            return await handler(request)
        except ZulipError as e:
            return error(e)

    async def me(self, request):
        return answer(public_user(request["user"]))

    async def users(self, request):
        return answer({"members": [public_user(u) for u in self.store.users.values()]})

    async def subscriptions(self, request):
        email = request["user"]["email"]
        subs = [{"name": s["name"], "stream_id": s["stream_id"]}
                for s in self.store.streams.values() if email in s["subscribers"]]
        return answer({"subscriptions": subs})

    async def subscribe(self, request):
        p = await params(request)
        try:
            wanted = json.loads(required(p, "subscriptions"))
        except ValueError:
            raise ZulipError(400, "subscriptions is not a list")
        subscribed = []
        for w in wanted:
            name = w.get("name") if isinstance(w, dict) else None
            if not name:
                raise ZulipError(400, "subscriptions[0] is missing name")
            self.store.add_stream(name, [request["user"]["email"]])
            subscribed.append(name)
        return answer({"subscribed": {request["user"]["email"]: subscribed}, "already_subscribed": {}})

    async def stream_id(self, request):
        p = await params(request)
        name = required(p, "stream")
        s = self.store.stream(name)
        if s is None:
            raise ZulipError(400, f"Invalid channel name '{name}'")
        return answer({"stream_id": s["stream_id"]})

    async def send(self, request):
        p = await params(request)
        kind = required(p, "type")
        if kind not in ("stream", "channel"):
            raise ZulipError(400, "The fake sends only channel messages")
        to = required(p, "to")
        try:
            parsed = json.loads(to)
            if isinstance(parsed, list) and len(parsed) == 1:
                to = parsed[0]
            elif isinstance(parsed, int):
                to = parsed
        except ValueError:
            pass
        topic = p.get("topic", p.get("subject"))
        if topic is None:
            required(p, "topic")
        content = required(p, "content")
        msg = self.store.add_message(request["user"]["email"], to, topic, content)
        return answer({"id": msg["id"]})

    async def messages(self, request):
        p = await params(request)
        anchor = p.get("anchor", "newest")
        result = self.store.fetch(parse_narrow(p.get("narrow")), anchor, bool_param(p, "include_anchor", True),
                                  int_param(p, "num_before"), int_param(p, "num_after"))
        return answer(result)

    async def message(self, request):
        try:
            msg = self.store.by_id.get(int(request.match_info["id"]))
        except ValueError:
            msg = None
        if msg is None:
            raise ZulipError(400, "Invalid message(s)")
        return answer({"message": msg, "raw_content": msg["content"]})

    async def register(self, request):
        p = await params(request)
        try:
            event_types = json.loads(p.get("event_types", "null")) or ["message", "heartbeat"]
        except ValueError:
            raise ZulipError(400, "event_types is not a list")
        narrow = parse_narrow(p.get("narrow"))
        q = self.store.register(request["user"]["email"], event_types, narrow)
        q.narrow_text = p.get("narrow", "[]")
        return answer({"queue_id": q.queue_id, "last_event_id": -1,
                       "max_message_id": self.store.messages[-1]["id"] if self.store.messages else -1,
                       "zulip_feature_level": 300, "zulip_version": "fake"})

    def queue_of(self, p, user):
        qid = required(p, "queue_id")
        q = self.store.queues.get(qid)
        if q is None or q.user != user["email"]:
            raise ZulipError(400, f"Bad event queue ID: {qid}", "BAD_EVENT_QUEUE_ID", queue_id=qid)
        return q

    async def events(self, request):
        p = await params(request)
        q = self.queue_of(p, request["user"])
        last = int_param(p, "last_event_id", -1)
        q.events = [e for e in q.events if e["id"] > last]  # acknowledged
        if not q.events and not bool_param(p, "dont_block", False):
            q.parked += 1
            q.wake.clear()
            try:
                await asyncio.wait_for(q.wake.wait(), timeout=self.fake.heartbeat_s)
            except asyncio.TimeoutError:
                q.push({"type": "heartbeat"})
            finally:
                q.parked -= 1
            if q.expired:
                raise ZulipError(400, f"Bad event queue ID: {q.queue_id}", "BAD_EVENT_QUEUE_ID",
                                 queue_id=q.queue_id)
        return answer({"events": list(q.events), "queue_id": q.queue_id})

    async def delete_queue(self, request):
        p = await params(request)
        q = self.queue_of(p, request["user"])
        del self.store.queues[q.queue_id]
        q.expired = True
        q.wake.set()
        return answer()
