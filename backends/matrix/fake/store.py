"""The fake homeserver's one in-memory store: users, tokens, rooms and one
timeline per room, all events numbered by one global stream position.

No HTTP here: handlers in client_api.py call these methods, which raise
MatrixError for every refusal so that each error body has the spec's shape.
"""

import asyncio
import secrets
import time
from bisect import bisect_right


class MatrixError(Exception):
    """A refusal carried to the client as {"errcode", "error"} with a status."""

    def __init__(self, status, errcode, error, **extra):
        super().__init__(error)
        self.status = status
        self.errcode = errcode
        self.error = error
        self.extra = extra  # e.g. retry_after_ms


def opaque(prefix, nbytes=18):
    """A random id that says nothing about order (event ids, room ids, tokens)."""
    return prefix + secrets.token_urlsafe(nbytes)


class Event:
    """One timeline event and where it sits in the global stream."""

    def __init__(self, pos, room_id, sender, type_, content, ts, state_key=None, txn=None):
        self.pos = pos
        self.event_id = opaque("$", 32)
        self.room_id = room_id
        self.sender = sender
        self.type = type_
        self.content = content
        self.ts = ts
        self.state_key = state_key
        self.txn = txn  # (access_token, txnId) of the send that made it, if any

    def to_json(self, with_room_id=True, token=None):
        out = {
            "event_id": self.event_id,
            "sender": self.sender,
            "type": self.type,
            "content": self.content,
            "origin_server_ts": self.ts,
            "unsigned": {},
        }
        if with_room_id:
            out["room_id"] = self.room_id
        if self.state_key is not None:
            out["state_key"] = self.state_key
        # The sending device learns its own transaction id back, as on Synapse.
        if self.txn is not None and token is not None and self.txn[0] == token:
            out["unsigned"]["transaction_id"] = self.txn[1]
        return out


class Room:
    def __init__(self, room_id):
        self.room_id = room_id
        self.events = []  # ascending pos
        self.positions = []  # the events' pos, for bisection
        self.members = set()  # currently joined user ids
        self.join_rule = "public"
        self.by_id = {}

    def between(self, lo, hi):
        """Events with lo < pos <= hi, ascending. Bisection keeps a page cheap
        in a room of 10,000 events (the catch-up benchmark reads such a room)."""
        return self.events[bisect_right(self.positions, lo) : bisect_right(self.positions, hi)]

    def state_at(self, lo, hi):
        """Latest state event per (type, state_key) with lo < pos <= hi."""
        latest = {}
        for ev in self.between(lo, hi):
            if ev.state_key is not None:
                latest[(ev.type, ev.state_key)] = ev
        return sorted(latest.values(), key=lambda e: e.pos)


def event_matches(ev, f):
    """The RoomEventFilter fields the fake honours: types, not_types, senders, not_senders."""
    if not f:
        return True
    if "types" in f and ev.type not in f["types"]:
        return False
    if ev.type in f.get("not_types", []):
        return False
    if "senders" in f and ev.sender not in f["senders"]:
        return False
    return ev.sender not in f.get("not_senders", [])


class Store:
    def __init__(self, server_name):
        self.server_name = server_name
        self.passwords = {}  # user_id -> password (None: token-only user)
        self.listeners = []  # callables(event), e.g. the appservice pusher
        self.reset()

    def reset(self):
        """Forget rooms, events, tokens and filters (users are the caller's business)."""
        self.tokens = {}  # access_token -> (user_id, device_id)
        self.rooms = {}
        self.aliases = {}  # "#a:server" -> room_id
        self.pos = 0
        self.last_ts = 0
        self.txns = {}  # (token, user_id, path) -> event_id
        self.filters = {}  # (user_id, filter_id) -> filter
        self.wakeup = asyncio.Event()  # set and replaced on every new event

    # ---- users and tokens --------------------------------------------------

    def user_id(self, name):
        return name if name.startswith("@") else f"@{name}:{self.server_name}"

    def add_user(self, name, password=None):
        uid = self.user_id(name)
        self.passwords[uid] = password
        return uid

    def issue_token(self, user_id, device_id=None):
        token = opaque("syt_")
        device_id = device_id or opaque("", 6).upper()
        self.tokens[token] = (user_id, device_id)
        return token, device_id

    def password_login(self, user, password):
        uid = self.user_id(user)
        if uid not in self.passwords or self.passwords[uid] is None or self.passwords[uid] != password:
            raise MatrixError(403, "M_FORBIDDEN", "Invalid username or password")
        return uid

    # ---- rooms -------------------------------------------------------------

    def room(self, room_id):
        r = self.rooms.get(room_id)
        if r is None:
            raise MatrixError(404, "M_NOT_FOUND", f"Unknown room {room_id}")
        return r

    def joined_room(self, room_id, user_id):
        """The room, if user_id is joined to it; else 403 as Synapse answers non-members."""
        r = self.rooms.get(room_id)
        if r is None or user_id not in r.members:
            raise MatrixError(403, "M_FORBIDDEN", f"User {user_id} not in room {room_id}")
        return r

    def create_room(self, creator, alias_localpart=None, preset=None, visibility="private", name=None, topic=None):
        alias = f"#{alias_localpart}:{self.server_name}" if alias_localpart else None
        if alias in self.aliases:
            raise MatrixError(400, "M_ROOM_IN_USE", "Room alias already taken")
        preset = preset or ("public_chat" if visibility == "public" else "private_chat")
        room = Room(f"!{secrets.token_urlsafe(12)}:{self.server_name}")
        self.rooms[room.room_id] = room
        self.append(room, creator, "m.room.create", {"creator": creator, "room_version": "10"}, "")
        self.add_member(room, creator)
        self.append(room, creator, "m.room.power_levels", {"users": {creator: 100}, "users_default": 0}, "")
        room.join_rule = "public" if preset == "public_chat" else "invite"
        self.append(room, creator, "m.room.join_rules", {"join_rule": room.join_rule}, "")
        self.append(room, creator, "m.room.history_visibility", {"history_visibility": "shared"}, "")
        if name:
            self.append(room, creator, "m.room.name", {"name": name}, "")
        if topic:
            self.append(room, creator, "m.room.topic", {"topic": topic}, "")
        if alias:
            self.aliases[alias] = room.room_id
            self.append(room, creator, "m.room.canonical_alias", {"alias": alias}, "")
        return room

    def resolve(self, id_or_alias):
        if id_or_alias.startswith("#"):
            if id_or_alias not in self.aliases:
                raise MatrixError(404, "M_NOT_FOUND", f"Room alias {id_or_alias} not found")
            return self.rooms[self.aliases[id_or_alias]]
        return self.room(id_or_alias)

    def set_alias(self, alias, room_id):
        if alias in self.aliases:
            raise MatrixError(409, "M_UNKNOWN", f"Room alias {alias} already exists")
        if not alias.startswith("#") or not alias.endswith(":" + self.server_name):
            raise MatrixError(400, "M_INVALID_PARAM", "Alias must be #localpart:" + self.server_name)
        self.room(room_id)
        self.aliases[alias] = room_id

    def join(self, id_or_alias, user_id):
        room = self.resolve(id_or_alias)
        if user_id in room.members:
            return room  # already joined: no new membership event
        if room.join_rule != "public":
            raise MatrixError(403, "M_FORBIDDEN", "You are not invited to this room.")
        self.add_member(room, user_id)
        return room

    def add_member(self, room, user_id):
        """Join without any check (the control API's humans join this way too)."""
        room.members.add(user_id)
        self.append(room, user_id, "m.room.member", {"membership": "join"}, user_id)

    # ---- the timeline ------------------------------------------------------

    def append(self, room, sender, type_, content, state_key=None, txn=None):
        self.pos += 1
        # origin_server_ts never goes backwards, even within one millisecond.
        self.last_ts = max(int(time.time() * 1000), self.last_ts + 1)
        ev = Event(self.pos, room.room_id, sender, type_, content, self.last_ts, state_key, txn)
        room.events.append(ev)
        room.positions.append(ev.pos)
        room.by_id[ev.event_id] = ev
        for listener in self.listeners:
            listener(ev)
        self.wakeup.set()
        self.wakeup = asyncio.Event()
        return ev

    def send(self, room_id, user_id, type_, content, token, path):
        """Idempotent per (token, sender, request path): a retried PUT gets the same event id."""
        room = self.joined_room(room_id, user_id)
        key = (token, user_id, path)
        if key in self.txns:
            return self.txns[key]
        txn_id = path.rsplit("/", 1)[-1]
        ev = self.append(room, user_id, type_, content, txn=(token, txn_id))
        self.txns[key] = ev.event_id
        return ev.event_id

