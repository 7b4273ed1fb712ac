"""The fake Discord's state: one global snowflake counter, guild text
channels with their messages, webhooks, and the bot application."""

import secrets
import time

DISCORD_EPOCH_MS = 1420070400000

# Message types (Discord API: Message Types).
DEFAULT, REPLY = 0, 19

# Application flags (Discord API: Application Flags).
GATEWAY_MESSAGE_CONTENT = 1 << 18
GATEWAY_MESSAGE_CONTENT_LIMITED = 1 << 19


class ApiError(Exception):
    """A Discord JSON error: `{"message", "code"}` with an HTTP status."""

    def __init__(self, status, code, message, errors=None):
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors

    def body(self):
        out = {"message": self.message, "code": self.code}
        if self.errors is not None:
            out["errors"] = self.errors
        return out


class Snowflakes:
    """(ms since 2015-01-01) << 22 | worker 0 | process 0 | 12-bit increment,
    strictly increasing across every channel, as Discord's ids are."""

    def __init__(self):
        self.last = 0
        self.increment = 0

    def next(self):
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        self.increment = (self.increment + 1) & 0xFFF
        value = (ms << 22) | self.increment
        if value <= self.last:
            value = self.last + 1
        self.last = value
        return value


def iso_of(snowflake):
    """The ISO 8601 timestamp Discord gives a message: its id's milliseconds."""
    ms = (snowflake >> 22) + DISCORD_EPOCH_MS
    t = time.gmtime(ms // 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", t) + ".%03d000+00:00" % (ms % 1000)


class Store:
    def __init__(self, token):
        self.ids = Snowflakes()
        self.token = token
        self.guild_id = str(self.ids.next())
        app_id = str(self.ids.next())
        owner = {"id": str(self.ids.next()), "username": "parley-owner", "discriminator": "0", "global_name": None,
                 "avatar": None}
        self.application = {"id": app_id, "name": "parley", "icon": None, "description": "", "rpc_origins": [],
                            "bot_public": False, "bot_require_code_grant": False, "owner": owner,
                            "verify_key": secrets.token_hex(32), "team": None, "flags": GATEWAY_MESSAGE_CONTENT_LIMITED}
        self.bot = {
            "id": self.application["id"],
            "username": "parley-bot",
            "discriminator": "0",
            "global_name": None,
            "avatar": None,
            "bot": True,
        }
        self.users = {}  # username -> user object (humans)
        self.channels = {}  # id -> {"channel": {...}, "messages": [message, ...] ascending}
        self.webhooks = {}  # id -> {"id", "token", "channel_id"}

    # ---- objects -----------------------------------------------------------

    def add_channel(self, name):
        cid = str(self.ids.next())
        self.channels[cid] = {
            "channel": {"id": cid, "type": 0, "guild_id": self.guild_id, "name": name, "position": len(self.channels),
                        "last_message_id": None},
            "messages": [],
        }
        return self.channels[cid]["channel"]

    def channel(self, cid):
        c = self.channels.get(cid)
        if c is None:
            raise ApiError(404, 10003, "Unknown Channel")
        return c

    def human(self, username):
        if username not in self.users:
            self.users[username] = {"id": str(self.ids.next()), "username": username, "discriminator": "0",
                                    "global_name": username, "avatar": None}
        return self.users[username]

    def add_webhook(self, cid):
        self.channel(cid)
        wid = str(self.ids.next())
        self.webhooks[wid] = {"id": wid, "token": secrets.token_urlsafe(24), "channel_id": cid}
        return self.webhooks[wid]

    # ---- messages ----------------------------------------------------------

    def create_message(self, cid, author, content, reference=None, attachments=None, webhook_id=None):
        """Validates like Discord (empty, over 2000 characters, unknown
        reference) and stores the message; returns it."""
        c = self.channel(cid)
        if not content and not attachments:
            raise ApiError(400, 50006, "Cannot send an empty message")
        if len(content) > 2000:
            raise ApiError(400, 50035, "Invalid Form Body", {"content": {"_errors": [
                {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]}})
        ref = None
        if reference is not None and reference.get("message_id") is not None:
            ref_id = str(reference["message_id"])
            if not any(m["id"] == ref_id for m in c["messages"]):
                raise ApiError(400, 50035, "Invalid Form Body", {"message_reference": {"_errors": [
                    {"code": "REPLIES_UNKNOWN_MESSAGE", "message": "Unknown message"}]}})
            ref = {"type": 0, "message_id": ref_id, "channel_id": cid, "guild_id": self.guild_id}
        mid = self.ids.next()
        msg = {
            "id": str(mid),
            "type": REPLY if ref else DEFAULT,
            "channel_id": cid,
            "author": dict(author),
            "content": content,
            "timestamp": iso_of(mid),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": list(attachments or []),
            "embeds": [],
            "pinned": False,
            "flags": 0,
        }
        if ref:
            msg["message_reference"] = ref
            msg["referenced_message"] = next(m for m in c["messages"] if m["id"] == ref["message_id"])
        if webhook_id is not None:
            msg["webhook_id"] = webhook_id
        c["messages"].append(msg)
        c["channel"]["last_message_id"] = msg["id"]
        return msg

    def page(self, cid, limit=50, after=None, before=None, around=None):
        """GET /channels/{id}/messages: at most `limit` (1–100), newest first.
        `after` gives the oldest `limit` messages after it; `before` and no
        anchor the newest before it."""
        msgs = self.channel(cid)["messages"]
        if sum(x is not None for x in (after, before, around)) > 1:
            raise ApiError(400, 50035, "Invalid Form Body")
        if after is not None:
            chosen = [m for m in msgs if int(m["id"]) > after][:limit]
        elif before is not None:
            older = [m for m in msgs if int(m["id"]) < before]
            chosen = older[-limit:] if limit else []
        elif around is not None:
            idx = next((i for i, m in enumerate(msgs) if int(m["id"]) >= around), len(msgs))
            lo = max(0, idx - limit // 2)
            chosen = msgs[lo:lo + limit]
        else:
            chosen = msgs[-limit:] if limit else []
        return list(reversed(chosen))
