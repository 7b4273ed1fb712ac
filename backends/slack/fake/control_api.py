"""The control API under /_fake/: what a test may do that Slack does not offer.
Bodies and answers are JSON. It keeps answering while the fake is "away".
"""

import json
import time

from aiohttp import web

from store import SlackError, loose_ts, public


async def json_body(request):
    text = await request.text()
    return json.loads(text) if text else {}


class ControlApi:
    def __init__(self, fake):
        self.fake = fake
        self.store = fake.store
        self.sockets = fake.sockets

    def routes(self):
        return [
            web.post("/_fake/post", self.post),
            web.post("/_fake/clock", self.clock),
            web.post("/_fake/rate_limit", self.rate_limit),
            web.post("/_fake/away", self.away),
            web.post("/_fake/drop", self.drop),
            web.post("/_fake/disconnect", self.disconnect),
            web.post("/_fake/frame", self.frame),
            web.post("/_fake/redeliver", self.redeliver),
            web.post("/_fake/scopes", self.scopes),
            web.get("/_fake/acks", self.acks),
            web.get("/_fake/calls", self.calls),
            web.get("/_fake/connections", self.connections),
            web.get("/_fake/channels/{channel}", self.channel),
        ]

    async def post(self, request):
        """{"channel", "text", "user"?, "thread_ts"?, "broadcast"?, "subtype"?} -> {"ts"}:
        a message from a human (or a system message with `subtype`), sent live."""
        body = await json_body(request)
        try:
            msg = self.store.add(body["channel"], body.get("text", ""), user=body.get("user"),
                                 thread_ts=body.get("thread_ts"), broadcast=body.get("broadcast", False),
                                 subtype=body.get("subtype"))
        except SlackError as e:
            return web.json_response({"error": e.error}, status=400)
        if not body.get("silent"):
            self.sockets.emit(body["channel"], msg)
        return web.json_response({"ts": msg["ts"], "message": public(msg)})

    async def clock(self, request):
        """{"channel", "next_ts"}: the channel's next message gets this ts, each later one 1 µs more."""
        body = await json_body(request)
        self.store.channel(body["channel"]).set_clock(loose_ts(body["next_ts"]))
        return web.json_response({})

    async def rate_limit(self, request):
        """{"count", "retry_after"?: seconds or null, "method"?}: the next `count`
        Web API calls (of `method`, when given) answer HTTP 429 `ratelimited`."""
        body = await json_body(request)
        self.fake.rate_limits.append({"count": int(body.get("count", 1)), "retry_after": body.get("retry_after"),
                                      "method": body.get("method")})
        return web.json_response({})

    async def away(self, request):
        """{"seconds"}: drop every socket; Web API calls and new sockets are cut
        (no answer) until the time is up."""
        body = await json_body(request)
        self.fake.away_until = time.monotonic() + float(body.get("seconds", 10))
        return web.json_response({"dropped": self.sockets.drop()})

    async def drop(self, request):
        return web.json_response({"dropped": self.sockets.drop()})

    async def disconnect(self, request):
        """{"reason"?, "close_after_s"?}: a disconnect envelope to every socket."""
        body = await json_body(request)
        n = await self.sockets.disconnect(body.get("reason", "refresh_requested"), body.get("close_after_s"))
        return web.json_response({"sent": n})

    async def frame(self, request):
        """{"kind"}: a bad frame to every socket. Kinds: not_json, json_array,
        no_type, no_payload, invalid_utf8 (raw bytes in a text frame),
        invalid_utf8_in_json (in an otherwise valid envelope), binary, huge
        (a 4 MiB envelope), unknown_channel (a valid event for a channel nobody
        maps), unknown_type."""
        body = await json_body(request)
        kind = body.get("kind")
        eid = "bad-" + str(len(self.sockets.sent) + 1)
        event = {"type": "message", "channel": body.get("channel", "C0UNKNOWN"), "user": "U0HUMAN",
                 "text": "x", "ts": "1.000001"}
        env = {"envelope_id": eid, "type": "events_api", "accepts_response_payload": False, "retry_attempt": 0,
               "payload": {"type": "event_callback", "event": event}}
        frames = {
            "not_json": ("{not json", False),
            "json_array": ("[1, 2, 3]", False),
            "no_type": (json.dumps({"envelope_id": eid}), False),
            "no_payload": (json.dumps({"envelope_id": eid, "type": "events_api"}), False),
            "unknown_type": (json.dumps({"envelope_id": eid, "type": "slash_commands", "payload": {}}), False),
            "invalid_utf8": (b'{"type":"events_api","envelope_id":"' + eid.encode() + b'","x":"\xff\xfe"}', False),
            "invalid_utf8_in_json": (json.dumps(env).replace('"text": "x"', '"text": "\\u0000x"').encode()
                                     .replace(b"\\u0000", b"\xc3\x28"), False),
            "binary": (b"\x00\x01\x02", True),
            "huge": (json.dumps(dict(env, payload={"type": "event_callback",
                                                    "event": dict(event, text="y" * (4 << 20))})), False),
            "unknown_channel": (json.dumps(env), False),
        }
        if kind not in frames:
            return web.json_response({"error": f"kind must be one of {sorted(frames)}"}, status=400)
        data, binary = frames[kind]
        n = await self.sockets.broadcast_raw(data if isinstance(data, bytes) else data, binary)
        return web.json_response({"sent": n, "envelope_id": eid})

    async def redeliver(self, request):
        """{"channel"}: the channel's newest message once more, in a new envelope
        with retry_attempt 1, as Slack resends an event whose ack it missed."""
        body = await json_body(request)
        ch = self.store.channel(body["channel"])
        eid = self.sockets.emit(ch.id, ch.messages[-1], attempt=1)
        return web.json_response({"envelope_id": eid})

    async def scopes(self, request):
        """{"token", "scopes": [...]}: sets (or adds) a bot token with these scopes."""
        body = await json_body(request)
        self.store.bot_tokens[body["token"]] = list(body["scopes"])
        return web.json_response({})

    async def acks(self, request):
        return web.json_response({"acks": self.sockets.acks, "sent": self.sockets.sent,
                                  "unacked": sorted(self.sockets.unacked)})

    async def calls(self, request):
        return web.json_response({"calls": self.fake.calls})

    async def connections(self, request):
        return web.json_response({"open": len(self.sockets.connections), "opened": self.sockets.opened})

    async def channel(self, request):
        ch = self.store.channel(request.match_info["channel"])
        return web.json_response({"messages": [public(m) for m in ch.messages]})
