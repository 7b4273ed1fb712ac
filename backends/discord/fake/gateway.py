"""The fake Discord gateway (API v10, JSON encoding): HELLO, heartbeats and
their ACKs, IDENTIFY (token, intents, the identify budget), READY with
`session_id` and `resume_gateway_url`, RESUME that replays what a session
missed or is refused with op 9, MESSAGE_CREATE dispatches with sequence
numbers, and the faults the control API asks for."""

import asyncio
import json
import secrets
import time

from aiohttp import WSMsgType, web

from store import GATEWAY_MESSAGE_CONTENT, GATEWAY_MESSAGE_CONTENT_LIMITED

DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 0, 1, 2, 6, 7, 9, 10, 11

GUILDS, GUILD_MESSAGES, DIRECT_MESSAGES, MESSAGE_CONTENT = 1 << 0, 1 << 9, 1 << 12, 1 << 15
ALL_INTENTS = (1 << 26) - 1  # anything higher is close 4013
PRIVILEGED = (1 << 1) | (1 << 8) | MESSAGE_CONTENT


async def close_from_outside(ws, code, reason):
    """A close frame sent from a task other than the socket's reader: straight
    from the writer, since ws.close() there races the reader loop, which then
    closes with 1000."""
    try:
        await ws._writer.close(code, reason.encode())
    except (ConnectionError, RuntimeError):
        pass


class Session:
    """One gateway session: lives across sockets until it is invalidated, and
    keeps the dispatches it sent so that a RESUME can replay them."""

    def __init__(self, intents):
        self.id = secrets.token_hex(16)
        self.intents = intents
        self.seq = 0
        self.sent = []  # (seq, frame text)
        self.ws = None

    def add(self, t, d):
        self.seq += 1
        frame = json.dumps({"op": DISPATCH, "t": t, "s": self.seq, "d": d})
        self.sent.append((self.seq, frame))
        del self.sent[:-5000]
        return frame


class Gateway:
    def __init__(self, fake):
        self.fake = fake
        self.store = fake.store
        self.sessions = {}
        self.sockets = {}  # every open socket: ws -> its request
        self.heartbeat_ms = fake.heartbeat_ms
        self.ack = True
        self.refuse_resumes = 0
        self.budget = {"total": 1000, "remaining": 1000, "reset_after": 86_400_000, "max_concurrency": 1}
        self.budget_reset_at = time.monotonic() + 86_400
        self.stats = {"identify": 0, "resume": 0, "resume_refused": 0, "heartbeat": 0, "connect": 0,
                      "identify_over_budget": 0, "resume_paths": [], "connect_paths": []}

    def current_budget(self):
        """session_start_limit now: `remaining` is back to `total` once
        `reset_after` has passed, and `reset_after` counts down."""
        now = time.monotonic()
        if now >= self.budget_reset_at:
            self.budget["remaining"] = self.budget["total"]
            self.budget_reset_at = now + 86_400
        self.budget["reset_after"] = int((self.budget_reset_at - now) * 1000)
        return self.budget

    def set_budget(self, **values):
        for k, v in values.items():
            self.budget[k] = int(v)
        if "reset_after" in values:
            self.budget_reset_at = time.monotonic() + int(values["reset_after"]) / 1000

    # ---- dispatch ------------------------------------------------------------

    def message_create(self, msg):
        """Sends MESSAGE_CREATE to every session with GUILD_MESSAGES; without
        MESSAGE_CONTENT a session sees empty content, attachments and embeds,
        except on the bot's own messages."""
        d = dict(msg, guild_id=self.store.guild_id)
        for s in list(self.sessions.values()):
            if not s.intents & GUILD_MESSAGES:
                continue
            view = d
            own = msg["author"]["id"] == self.store.bot["id"]
            if not s.intents & MESSAGE_CONTENT and not own:
                view = dict(d, content="", attachments=[], embeds=[])
            self.send_in(s, s.add("MESSAGE_CREATE", view))

    def raw_dispatch(self, t, d):
        for s in list(self.sessions.values()):
            self.send_in(s, s.add(t, d))

    def send_in(self, session, frame):
        ws = session.ws
        if ws is not None and not ws.closed:
            asyncio.ensure_future(self._send(ws, frame))

    async def _send(self, ws, frame):
        try:
            await ws.send_str(frame)
        except (ConnectionError, RuntimeError):
            pass

    # ---- faults ----------------------------------------------------------------

    def drop_all(self):
        """Ends every socket without a close frame, as a network failure does."""
        for ws, request in list(self.sockets.items()):
            if request.transport is not None:
                request.transport.close()
        self.sockets.clear()

    async def close_all(self, code, reason=""):
        for ws in list(self.sockets):
            await close_from_outside(ws, code, reason)

    async def send_all(self, data, binary=False):
        """Raw bytes or text to every socket: for malformed frames."""
        for ws in list(self.sockets):
            if isinstance(data, bytes) and not binary:
                await ws._writer.send(data, binary=False)  # invalid UTF-8 in a text frame
            elif binary:
                await ws.send_bytes(data)
            else:
                await ws.send_str(data)

    async def op_all(self, op, d):
        await self.send_all(json.dumps({"op": op, "d": d}))

    # ---- one socket ------------------------------------------------------------

    async def handle(self, request):
        if self.fake.outage_active():
            request.transport.close()
            raise web.HTTPServiceUnavailable()
        ws = web.WebSocketResponse(max_msg_size=64 * 1024 * 1024, autoping=True)
        await ws.prepare(request)
        self.stats["connect"] += 1
        self.stats["connect_paths"].append(request.path)
        self.sockets[ws] = request
        conn = {"session": None, "last_beat": asyncio.get_running_loop().time()}
        await ws.send_str(json.dumps({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_ms}, "s": None,
                                      "t": None}))
        watchdog = asyncio.ensure_future(self.watch_heartbeats(ws, conn))
        try:
            async for m in ws:
                if m.type != WSMsgType.TEXT:
                    await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
                try:
                    frame = json.loads(m.data)
                    op = frame["op"]
                except (ValueError, KeyError, TypeError):
                    await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
                await self.on_frame(ws, request, conn, op, frame.get("d"))
        finally:
            watchdog.cancel()
            self.sockets.pop(ws, None)
            s = conn["session"]
            if s is not None and s.ws is ws:
                s.ws = None
        return ws

    async def watch_heartbeats(self, ws, conn):
        """Discord closes a socket that stops heartbeating (no beat within an
        interval and some slack)."""
        while not ws.closed:
            await asyncio.sleep(self.heartbeat_ms / 1000)
            if asyncio.get_running_loop().time() - conn["last_beat"] > self.heartbeat_ms * 1.6 / 1000:
                await close_from_outside(ws, 4009, "Session timed out")
                return

    async def on_frame(self, ws, request, conn, op, d):
        if op == HEARTBEAT:
            self.stats["heartbeat"] += 1
            conn["last_beat"] = asyncio.get_running_loop().time()
            if self.ack:
                await ws.send_str(json.dumps({"op": HEARTBEAT_ACK}))
        elif op == IDENTIFY:
            await self.identify(ws, request, conn, d or {})
        elif op == RESUME:
            await self.resume(ws, request, conn, d or {})
        elif op in (3, 4, 8):
            pass  # presence, voice state, request guild members: accepted, ignored
        else:
            await ws.close(code=4001, message=b"Unknown opcode.")

    async def identify(self, ws, request, conn, d):
        self.stats["identify"] += 1
        if conn["session"] is not None:
            await ws.close(code=4005, message=b"Already authenticated.")
            return
        if d.get("token") != self.store.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        if self.current_budget()["remaining"] <= 0:
            self.stats["identify_over_budget"] += 1
            await ws.close(code=4008, message=b"Rate limited.")
            return
        self.budget["remaining"] -= 1
        intents = d.get("intents")
        if not isinstance(intents, int) or intents & ~ALL_INTENTS:
            await ws.close(code=4013, message=b"Invalid intent(s).")
            return
        flags = self.store.application["flags"]
        if intents & MESSAGE_CONTENT and not flags & (GATEWAY_MESSAGE_CONTENT | GATEWAY_MESSAGE_CONTENT_LIMITED):
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        s = Session(intents)
        s.ws = ws
        self.sessions[s.id] = s
        conn["session"] = s
        ready = {
            "v": 10,
            "user": self.store.bot,
            "guilds": [{"id": self.store.guild_id, "unavailable": True}],
            "session_id": s.id,
            "resume_gateway_url": self.fake.ws_url("/resume-gateway"),
            "shard": [0, 1],
            "application": {"id": self.store.application["id"], "flags": flags},
        }
        await ws.send_str(s.add("READY", ready))

    async def resume(self, ws, request, conn, d):
        self.stats["resume"] += 1
        self.stats["resume_paths"].append(request.path)
        s = self.sessions.get(d.get("session_id"))
        if d.get("token") != self.store.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        if s is None or self.refuse_resumes > 0 or not isinstance(d.get("seq"), int) and d.get("seq") is not None:
            if self.refuse_resumes > 0:
                self.refuse_resumes -= 1
            if s is not None:
                del self.sessions[s.id]
            self.stats["resume_refused"] += 1
            await ws.send_str(json.dumps({"op": INVALID_SESSION, "d": False, "s": None, "t": None}))
            return
        seq = d.get("seq") or 0
        if seq > s.seq:
            await ws.close(code=4007, message=b"Invalid seq.")
            return
        old = s.ws
        s.ws = ws
        conn["session"] = s
        if old is not None and old is not ws and not old.closed:
            await old.close(code=4000)
        for n, frame in s.sent:
            if n > seq:
                await ws.send_str(frame)
        # Discord's RESUMED carries an object (its `_trace`), never null; discord.py writes into it.
        await ws.send_str(s.add("RESUMED", {"_trace": ["fake-discord"]}))
