"""The control API under /_fake/: what a test may do that no homeserver offers.
Bodies and answers are JSON; errors have the same {"errcode", "error"} shape.
"""

import base64

from aiohttp import web

from client_api import json_body
from faults import RateLimit
from store import MatrixError


class ControlApi:
    def __init__(self, hs):
        self.hs = hs
        self.store = hs.store

    def routes(self):
        return [
            web.post("/_fake/users", self.add_user),
            web.post("/_fake/tokens", self.add_token),
            web.post("/_fake/options", self.set_options),
            web.post("/_fake/faults", self.add_fault),
            web.get("/_fake/faults", self.list_faults),
            web.delete("/_fake/faults", self.clear_faults),
            web.post("/_fake/rooms/{room}/inject", self.inject),
            web.get("/_fake/rooms/{room}/timeline", self.timeline),
            web.get("/_fake/appservice/transactions", self.transactions),
            web.post("/_fake/reset", self.reset),
        ]

    async def add_user(self, request):
        """{"user": "alice", "password": "pw"} -> {"user_id"}."""
        body = await json_body(request)
        return web.json_response({"user_id": self.store.add_user(body["user"], body.get("password"))})

    async def add_token(self, request):
        """{"user": "alice"} -> {"access_token", "user_id", "device_id"}: the token+user_id login mode."""
        body = await json_body(request)
        user_id = self.store.user_id(body["user"])
        if user_id not in self.store.passwords:
            self.store.add_user(user_id)
        token, device_id = self.store.issue_token(user_id)
        return web.json_response({"access_token": token, "user_id": user_id, "device_id": device_id})

    async def set_options(self, request):
        """password_login (bool), forward_end_at_live_edge (bool),
        create_room_ratelimit ({"burst", "per_second"} or null)."""
        body = await json_body(request)
        for key in ("password_login", "forward_end_at_live_edge"):
            if key in body:
                self.hs.options[key] = bool(body[key])
        if "create_room_ratelimit" in body:
            rl = body["create_room_ratelimit"]
            self.hs.create_room_limit = RateLimit(rl.get("burst", 2), rl.get("per_second", 0.022)) if rl else None
        return web.json_response(dict(self.hs.options, create_room_ratelimit=self.hs.create_room_limit is not None))

    async def add_fault(self, request):
        """{"kind": 429|invalid_json|wrong_shape|raw|drop, "path_prefix", "count",
        "retry_after_ms", "retry_after_header", "raw_b64", "json"}."""
        spec = self.hs.faults.add(await json_body(request))
        return web.json_response(spec)

    async def list_faults(self, request):
        return web.json_response({"queued": self.hs.faults.queue})

    async def clear_faults(self, request):
        self.hs.faults.queue.clear()
        return web.json_response({})

    async def inject(self, request):
        """{"sender", "type"?, "content", "body_bytes_b64"?}: an event as another (human) user,
        who is registered and joined first if need be. body_bytes_b64 makes content.body those
        raw bytes on the wire, invalid UTF-8 included."""
        body = await json_body(request)
        room = self.store.resolve(request.match_info["room"])
        sender = self.store.user_id(body.get("sender", "human"))
        if sender not in self.store.passwords:
            self.store.add_user(sender)
        if sender not in room.members:
            self.store.add_member(room, sender)
        content = dict(body.get("content", {}))
        if "body_bytes_b64" in body:
            content["body"] = self.hs.raw_placeholder(base64.b64decode(body["body_bytes_b64"]))
        ev = self.store.append(room, sender, body.get("type", "m.room.message"), content)
        return web.json_response({"event_id": ev.event_id, "room_id": room.room_id})

    async def timeline(self, request):
        room = self.store.resolve(request.match_info["room"])
        events = [dict(e.to_json(), stream_pos=e.pos) for e in room.events]
        return self.hs.respond({"room_id": room.room_id, "members": sorted(room.members), "events": events})

    async def transactions(self, request):
        if self.hs.appservice is None:
            raise MatrixError(404, "M_NOT_FOUND", "No appservice registered")
        asvc = self.hs.appservice
        return web.json_response({"delivered": asvc.sent, "pending": [e.event_id for e in asvc.pending]})

    async def reset(self, request):
        self.hs.reset()
        return web.json_response({})
