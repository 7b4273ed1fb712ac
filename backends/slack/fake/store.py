"""The fake Slack's workspace: channels, their messages, users, the bot and
its tokens. No I/O here; web_api.py and socket_mode.py read and change it.

Message `ts` values are minted per channel, strictly increasing, in Slack's
`"<seconds>.<6-digit suffix>"` form: the wall clock in microseconds, or one
microsecond past the channel's last when the clock has not moved on; or,
once a test set the channel's clock (to cross a seconds boundary), one
microsecond past the last every time.
"""

import re
import time

CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
TS = re.compile(r"^(\d+)\.(\d{6})$")

BOT_USER_ID = "U0PARLEYBOT"
BOT_ID = "B0PARLEYBOT"
BOT_NAME = "parley"
APP_ID = "A0PARLEYAPP"
TEAM_ID = "T0PARLEYTEAM"

BASE_SCOPES = ["chat:write", "channels:history", "groups:history", "channels:read", "users:read.email"]


class SlackError(Exception):
    """An `{"ok": false, "error": code}` answer (HTTP 200, as Slack does)."""

    def __init__(self, error, **extra):
        super().__init__(error)
        self.error = error
        self.extra = extra


def ts_to_micros(ts):
    m = TS.match(ts or "")
    if not m:
        raise SlackError("invalid_ts")
    return int(m.group(1)) * 1_000_000 + int(m.group(2))


def micros_to_ts(us):
    return f"{us // 1_000_000}.{us % 1_000_000:06d}"


def loose_ts(value):
    """`oldest` / `latest` as Slack reads them: "0", "123" or "123.000456"."""
    if value in (None, ""):
        return None
    m = re.match(r"^(\d+)(?:\.(\d{1,6}))?$", value)
    if not m:
        raise SlackError("invalid_ts_oldest")
    return int(m.group(1)) * 1_000_000 + int((m.group(2) or "0").ljust(6, "0"))


class Channel:
    def __init__(self, cid):
        self.id = cid
        self.name = "fake-" + cid.lower()
        self.messages = []  # oldest first; dicts as Slack returns them
        self.last_us = 0
        self.frozen = False  # set by the control API: each ts is the last one + 1 µs

    def set_clock(self, next_us):
        """The next ts is `next_us`; every later one a microsecond more."""
        self.last_us = next_us - 1
        self.frozen = True

    def mint_ts(self):
        us = self.last_us + 1 if self.frozen else max(int(time.time() * 1_000_000), self.last_us + 1)
        self.last_us = us
        return micros_to_ts(us)


class Store:
    def __init__(self, bot_tokens, app_tokens):
        self.bot_tokens = dict(bot_tokens)  # token -> scopes
        self.app_tokens = set(app_tokens)
        self.channels = {}
        self.users = {
            BOT_USER_ID: {"id": BOT_USER_ID, "name": BOT_NAME, "is_bot": True, "profile": {}},
            "U0HUMAN": {"id": "U0HUMAN", "name": "alice", "is_bot": False,
                        "profile": {"email": "alice@example.com", "real_name": "Alice"}},
        }

    def channel(self, cid, create=True):
        ch = self.channels.get(cid)
        if ch is None:
            if not create or not CHANNEL_ID.match(cid or ""):
                raise SlackError("channel_not_found")
            ch = self.channels[cid] = Channel(cid)
        return ch

    def user_by_email(self, email):
        for u in self.users.values():
            if u["profile"].get("email") == email:
                return u
        raise SlackError("users_not_found")

    def add(self, cid, text, user=None, bot=False, username=None, thread_ts=None, broadcast=False, subtype=None):
        """Appends a message and returns it (a copy goes into the channel)."""
        ch = self.channel(cid)
        msg = {"type": "message", "ts": ch.mint_ts(), "text": text}
        if bot:
            msg["bot_id"] = BOT_ID
            msg["app_id"] = APP_ID
            if username:
                msg["subtype"] = "bot_message"
                msg["username"] = username
            else:
                msg["user"] = BOT_USER_ID
        else:
            msg["user"] = user or "U0HUMAN"
        if subtype:
            msg["subtype"] = subtype
        msg["team"] = TEAM_ID
        if thread_ts:
            parent = self.find(ch, thread_ts)
            if parent is None:
                raise SlackError("thread_not_found")
            msg["thread_ts"] = thread_ts
            parent.setdefault("thread_ts", thread_ts)
            parent["reply_count"] = parent.get("reply_count", 0) + 1
            parent["latest_reply"] = msg["ts"]
            if broadcast:
                msg["subtype"] = "thread_broadcast"
                msg["root"] = dict(parent)
            else:
                msg["_thread_only"] = True
        ch.messages.append(msg)
        return msg

    @staticmethod
    def find(ch, ts):
        for m in ch.messages:
            if m["ts"] == ts:
                return m
        return None


def public(msg):
    """A message as the Web API shows it (no internal keys)."""
    return {k: v for k, v in msg.items() if not k.startswith("_")}
