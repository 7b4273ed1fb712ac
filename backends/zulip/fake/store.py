"""The fake Zulip's state: users, streams, messages (one global id sequence)
and event queues, with the narrow and anchor rules of Zulip's REST API.
"""

import asyncio
import json
import secrets
import time

MAX_CONTENT_CHARS = 10000
MAX_TOPIC_CHARS = 60
MAX_FETCH = 5000  # num_before + num_after


class ZulipError(Exception):
    """An error answer: HTTP status, msg and code (plus extra fields)."""

    def __init__(self, status, msg, code="BAD_REQUEST", **extra):
        super().__init__(msg)
        self.status, self.msg, self.code, self.extra = status, msg, code, extra

    def body(self):
        return {"result": "error", "msg": self.msg, "code": self.code, **self.extra}


def parse_narrow(text):
    """A narrow in either documented form, as a list of (operator, operand,
    negated): `[["stream","s"],["topic","t"]]` or
    `[{"operator":"stream","operand":"s","negated":false}, ...]`."""
    if text is None or text == "":
        return []
    try:
        raw = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        raise ZulipError(400, "Invalid narrow", "BAD_NARROW")
    if not isinstance(raw, list):
        raise ZulipError(400, "Invalid narrow", "BAD_NARROW")
    out = []
    for term in raw:
        if isinstance(term, list) and len(term) == 2:
            op, operand, neg = term[0], term[1], False
        elif isinstance(term, dict) and "operator" in term and "operand" in term:
            op, operand, neg = term["operator"], term["operand"], bool(term.get("negated", False))
        else:
            raise ZulipError(400, "Invalid narrow", "BAD_NARROW")
        op = {"channel": "stream", "subject": "topic"}.get(op, op)
        if op not in ("stream", "topic", "sender", "id"):
            raise ZulipError(400, f"Invalid narrow operator: unknown operator {op}", "BAD_NARROW")
        out.append((op, operand, neg))
    return out


def matches(narrow, msg):
    for op, operand, neg in narrow:
        if op == "stream":
            hit = msg["display_recipient"].lower() == str(operand).lower() or msg["stream_id"] == operand
        elif op == "topic":
            # Zulip compares topic names without case.
            hit = msg["subject"].lower() == str(operand).lower()
        elif op == "sender":
            hit = msg["sender_email"].lower() == str(operand).lower() or msg["sender_id"] == operand
        else:
            hit = str(msg["id"]) == str(operand)
        if hit == neg:
            return False
    return True


class Queue:
    def __init__(self, user, event_types, narrow):
        self.queue_id = "fake-" + secrets.token_hex(8)
        self.user, self.event_types, self.narrow = user, event_types, narrow
        self.narrow_text = narrow
        self.events = []  # pending, ascending id
        self.next_event_id = 0
        self.parked = 0
        self.wake = asyncio.Event()
        self.expired = False

    def push(self, event):
        event = dict(event, id=self.next_event_id)
        self.next_event_id += 1
        self.events.append(event)
        self.wake.set()


class Store:
    def __init__(self, users):
        # users: list of (email, api_key, full_name); the first is the bot.
        self.users = {}
        for i, (email, key, name) in enumerate(users):
            self.users[email] = {"user_id": 8 + i, "email": email, "api_key": key, "full_name": name,
                                 "is_bot": i == 0, "is_active": True}
        self.streams = {}
        self.messages = []  # ascending id
        self.by_id = {}
        self.next_id = 1001
        self.queues = {}
        self.add_stream("parley", list(self.users))

    def add_stream(self, name, subscribers=()):
        s = self.streams.get(name.lower())
        if s is None:
            s = {"name": name, "stream_id": len(self.streams) + 1, "subscribers": set()}
            self.streams[name.lower()] = s
        s["subscribers"].update(subscribers)
        return s

    def stream(self, name_or_id):
        if isinstance(name_or_id, int) or (isinstance(name_or_id, str) and name_or_id.isdigit()):
            for s in self.streams.values():
                if s["stream_id"] == int(name_or_id):
                    return s
            return None
        return self.streams.get(str(name_or_id).lower())

    def user_by_email(self, email):
        return self.users.get(email)

    def add_message(self, sender_email, stream_name, topic, content, deliver=True, create_stream=False):
        user = self.users.get(sender_email)
        if user is None:
            raise ZulipError(400, f"Invalid user: {sender_email}")
        stream = self.stream(stream_name)
        if stream is None:
            if not create_stream:
                raise ZulipError(400, f"Channel '{stream_name}' does not exist", "STREAM_DOES_NOT_EXIST",
                                 stream=stream_name)
            stream = self.add_stream(stream_name, [sender_email])
        if content.strip() == "":
            raise ZulipError(400, "Message must not be empty")
        if topic == "":
            topic = "(no topic)"
        if len(topic) > MAX_TOPIC_CHARS:
            topic = topic[:MAX_TOPIC_CHARS - 3] + "..."
        if len(content) > MAX_CONTENT_CHARS:
            content = content[:MAX_CONTENT_CHARS - 20] + "\n[message truncated]"
        msg = {"id": self.next_id, "sender_id": user["user_id"], "sender_email": user["email"],
               "sender_full_name": user["full_name"], "type": "stream", "stream_id": stream["stream_id"],
               "display_recipient": stream["name"], "subject": topic, "content": content,
               "content_type": "text/x-markdown", "timestamp": int(time.time()), "client": "fake",
               "is_me_message": False, "reactions": [], "flags": ["read"]}
        self.next_id += 1
        self.messages.append(msg)
        self.by_id[msg["id"]] = msg
        if deliver:
            self.deliver(msg)
        return msg

    def deliver(self, msg):
        for q in self.queues.values():
            if "message" in q.event_types and matches(q.narrow, msg):
                q.push({"type": "message", "message": msg, "flags": []})

    def fetch(self, narrow, anchor, include_anchor, num_before, num_after):
        """GET /messages: the ids around `anchor` (an id, "newest", "oldest" or
        "first_unread"), ascending, with found_* flags."""
        if num_before < 0 or num_after < 0 or num_before + num_after > MAX_FETCH:
            raise ZulipError(400, f"Too many messages requested (maximum {MAX_FETCH}).")
        hits = [m for m in self.messages if matches(narrow, m)]
        # "newest" is an id above every message, "oldest" one below: neither
        # is a message, so neither comes back as the anchor itself.
        if anchor == "newest":
            anchor_id = 10 ** 16
        elif anchor == "oldest":
            anchor_id = 0
        elif anchor == "first_unread":
            anchor_id = 10 ** 16  # the fake marks everything read
        else:
            try:
                anchor_id = int(anchor)
            except (TypeError, ValueError):
                raise ZulipError(400, "Invalid anchor")
            if anchor_id < 0:
                raise ZulipError(400, "Invalid anchor")
        before = [m for m in hits if m["id"] < anchor_id]
        at = [m for m in hits if m["id"] == anchor_id]
        after = [m for m in hits if m["id"] > anchor_id]
        if not include_anchor:
            at = []
        picked_before = before[-num_before:] if num_before > 0 else []
        picked_after = after[:num_after] if num_after > 0 else []
        out = picked_before + at + picked_after
        found_oldest = len(picked_before) == len(before)
        found_newest = len(picked_after) == len(after)
        return {"messages": out, "found_anchor": bool(at), "found_oldest": found_oldest,
                "found_newest": found_newest, "history_limited": False, "anchor": anchor_id}

    def register(self, user, event_types, narrow):
        q = Queue(user, event_types, narrow)
        self.queues[q.queue_id] = q
        return q

    def expire_all(self):
        n = len(self.queues)
        for q in self.queues.values():
            q.expired = True
            q.wake.set()
        self.queues.clear()
        return n
