"""Socket Mode over ws:// at `/link/?ticket=...`: the URL `apps.connections.open`
hands out is single-use; the server speaks first with `hello`; every event is
an `events_api` envelope with an `envelope_id` the client must echo back as
`{"envelope_id": "..."}`; an envelope not acked within `retry_after_s` is sent
again (`retry_attempt` + 1, at most 3 times), as Slack retries; `disconnect`
envelopes ask the client to reconnect. With several connections open, each
event goes to exactly one of them (round robin), as Slack spreads an app's
events over its connections.
"""

import asyncio
import json
import secrets
import time

from aiohttp import WSMsgType, web

from store import APP_ID, BOT_USER_ID, TEAM_ID


class SocketMode:
    def __init__(self, fake):
        self.fake = fake
        self.tickets = set()
        self.used_tickets = set()
        self.connections = []  # open WebSocketResponse objects, in connection order
        self.acks = []  # envelope ids acked, in order
        self.unacked = {}  # envelope id -> (frame dict, retry handle)
        self.sent = []  # every envelope sent: {"envelope_id", "type", "retry_attempt"}
        self.opened = 0  # connections accepted in all
        self.next_conn = 0
        self.retry_after_s = 3.0

    def routes(self):
        return [web.get("/link/", self.connect)]

    def new_ticket_url(self):
        ticket = secrets.token_hex(12)
        self.tickets.add(ticket)
        return f"ws://127.0.0.1:{self.fake.port}/link/?ticket={ticket}&app_id={APP_ID}"

    async def connect(self, request):
        ticket = request.query.get("ticket", "")
        if self.fake.away_until > time.monotonic():
            request.transport.abort()
            raise web.HTTPServiceUnavailable()
        if ticket not in self.tickets:
            # A reused or made-up ticket: Slack refuses the upgrade.
            raise web.HTTPUnauthorized(text="invalid ticket")
        self.tickets.discard(ticket)
        self.used_tickets.add(ticket)
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        ws.transport_ref = request.transport
        self.connections.append(ws)
        self.opened += 1
        await ws.send_json({"type": "hello", "num_connections": len(self.connections),
                            "debug_info": {"host": "fake-slack", "build_number": 1,
                                           "approximate_connection_time": 18060},
                            "connection_info": {"app_id": APP_ID}})
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self.on_client_frame(msg.data)
        finally:
            if ws in self.connections:
                self.connections.remove(ws)
        return ws

    def on_client_frame(self, text):
        try:
            body = json.loads(text)
        except ValueError:
            return
        if isinstance(body, dict) and "envelope_id" in body:
            eid = body["envelope_id"]
            self.acks.append(eid)
            pending = self.unacked.pop(eid, None)
            if pending is not None and pending[1] is not None:
                pending[1].cancel()

    def pick(self):
        if not self.connections:
            return None
        ws = self.connections[self.next_conn % len(self.connections)]
        self.next_conn += 1
        return ws

    def emit(self, channel, msg, attempt=0):
        """An events_api envelope for a message event, to one connection (or
        none: Slack drops events while no connection is open)."""
        event = {k: v for k, v in msg.items() if not k.startswith("_")}
        event.update({"channel": channel, "event_ts": msg["ts"], "channel_type": "channel"})
        payload = {"token": "verification-token", "team_id": TEAM_ID, "api_app_id": APP_ID, "event": event,
                   "type": "event_callback", "event_id": "Ev" + secrets.token_hex(5).upper(),
                   "event_time": int(float(msg["ts"])),
                   "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}]}
        return self.envelope("events_api", payload, attempt)

    def envelope(self, kind, payload, attempt=0, eid=None):
        ws = self.pick()
        if ws is None:
            return None
        eid = eid or secrets.token_hex(16)
        frame = {"envelope_id": eid, "payload": payload, "type": kind, "accepts_response_payload": False,
                 "retry_attempt": attempt, "retry_reason": "timeout" if attempt else ""}
        self.sent.append({"envelope_id": eid, "type": kind, "retry_attempt": attempt})
        handle = None
        if attempt < 3:
            handle = asyncio.get_running_loop().call_later(self.retry_after_s, self.retry, eid)
        self.unacked[eid] = (frame, handle)
        asyncio.ensure_future(self.send(ws, json.dumps(frame)))
        return eid

    def retry(self, eid):
        pending = self.unacked.pop(eid, None)
        if pending is None:
            return
        frame = pending[0]
        self.envelope(frame["type"], frame["payload"], frame["retry_attempt"] + 1, eid)

    @staticmethod
    async def send(ws, data, binary=False):
        try:
            if isinstance(data, bytes):
                await ws._writer.send(data, binary=binary)  # raw bytes, even invalid UTF-8 in a text frame
            else:
                await ws.send_str(data)
        except (ConnectionResetError, RuntimeError):
            pass

    async def broadcast_raw(self, data, binary=False):
        """A frame to every open connection, unchecked: for bad-input tests."""
        for ws in list(self.connections):
            await self.send(ws, data, binary)
        return len(self.connections)

    async def disconnect(self, reason="refresh_requested", close_after_s=None):
        """A `disconnect` envelope to every connection; the server closes the
        socket itself `close_after_s` later when the client has not."""
        frame = json.dumps({"type": "disconnect", "reason": reason,
                            "debug_info": {"host": "fake-slack"}})
        conns = list(self.connections)
        for ws in conns:
            await self.send(ws, frame)
        if close_after_s is not None:
            async def later():
                await asyncio.sleep(close_after_s)
                for ws in conns:
                    await ws.close()
            asyncio.ensure_future(later())
        return len(conns)

    def drop(self):
        """Every connection cut without a close frame, as a network failure would."""
        n = 0
        for ws in list(self.connections):
            transport = getattr(ws, "transport_ref", None)
            if transport is not None:
                transport.abort()
                n += 1
        self.connections.clear()
        return n
