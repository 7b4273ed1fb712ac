"""The Web API methods Parley's Slack backend calls, under `/api/<method>`.

Every method is `POST` with a form-encoded body (a JSON body is refused
with `invalid_form_data`, which is what reaching Slack with the wrong
encoding looks like to a client that checks). The bot token comes from
`Authorization: Bearer` or a `token` form field; `apps.connections.open`
wants an app-level token. Answers are HTTP 200 with `ok` true or false.
"""

import base64
import json

from aiohttp import web

from store import (APP_ID, BOT_ID, BOT_NAME, BOT_USER_ID, TEAM_ID, SlackError, loose_ts, micros_to_ts, public,
                   ts_to_micros)

PAGE = 50  # the fake's fixed page size, so that Parley must follow cursors
MAX_TEXT = 40000  # characters; Slack answers msg_too_long beyond


def encode_cursor(us):
    return base64.b64encode(f"next_ts:{us}".encode()).decode()


def decode_cursor(cursor):
    try:
        text = base64.b64decode(cursor, validate=True).decode()
        if not text.startswith("next_ts:"):
            raise ValueError
        return int(text[len("next_ts:"):])
    except ValueError:
        raise SlackError("invalid_cursor")


def page_limit(form):
    try:
        limit = int(form.get("limit", "100"))
    except ValueError:
        raise SlackError("invalid_arguments")
    return max(1, min(limit, PAGE))


def flag(form, key):
    return form.get(key, "").lower() in ("1", "true")


class WebApi:
    def __init__(self, fake):
        self.fake = fake
        self.store = fake.store
        self.methods = {
            "auth.test": self.auth_test,
            "chat.postMessage": self.post_message,
            "conversations.history": self.history,
            "conversations.replies": self.replies,
            "conversations.info": self.info,
            "users.lookupByEmail": self.lookup_by_email,
            "apps.connections.open": self.connections_open,
        }

    def routes(self):
        return [web.post("/api/{method}", self.dispatch), web.get("/api/{method}", self.dispatch)]

    async def dispatch(self, request):
        name = request.match_info["method"]
        form, token = await self.read(request)
        self.fake.calls.append({"method": name, "content_type": request.content_type, "form": form})
        try:
            handler = self.methods.get(name)
            if handler is None:
                raise SlackError("unknown_method")
            if request.method != "POST" or request.content_type != "application/x-www-form-urlencoded":
                raise SlackError("invalid_form_data")
            scopes = self.authorize(name, token)
            body = handler(form, scopes)
            status = 200
        except SlackError as e:
            body = dict({"ok": False, "error": e.error}, **e.extra)
            status = 200
        headers = {}
        if token in self.store.bot_tokens:
            headers["x-oauth-scopes"] = ",".join(self.store.bot_tokens[token])
        return web.Response(body=json.dumps(body), status=status, content_type="application/json", headers=headers)

    @staticmethod
    async def read(request):
        form = {}
        if request.content_type == "application/x-www-form-urlencoded":
            form = {k: v for k, v in (await request.post()).items()}
        auth = request.headers.get("Authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else form.pop("token", None)
        form.pop("token", None)
        return form, token

    def authorize(self, method, token):
        if not token:
            raise SlackError("not_authed")
        if method == "apps.connections.open":
            if token in self.store.app_tokens:
                return ["connections:write"]
            if token in self.store.bot_tokens:
                raise SlackError("not_allowed_token_type")
            raise SlackError("invalid_auth")
        if token in self.store.app_tokens:
            raise SlackError("not_allowed_token_type")
        if token not in self.store.bot_tokens:
            raise SlackError("invalid_auth")
        return self.store.bot_tokens[token]

    @staticmethod
    def need(scopes, *wanted):
        if not any(s in scopes for s in wanted):
            raise SlackError("missing_scope", needed=",".join(wanted), provided=",".join(scopes))

    def auth_test(self, form, scopes):
        return {"ok": True, "url": "https://parley-fake.slack.com/", "team": "Parley Fake", "user": BOT_NAME,
                "team_id": TEAM_ID, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False}

    def post_message(self, form, scopes):
        self.need(scopes, "chat:write")
        cid = form.get("channel") or ""
        if not cid:
            raise SlackError("channel_not_found")
        text = form.get("text", "")
        if text == "":
            raise SlackError("no_text")
        if len(text) > MAX_TEXT:
            raise SlackError("msg_too_long")
        # Without chat:write.customize Slack ignores the override.
        username = form.get("username") if "chat:write.customize" in scopes else None
        msg = self.store.add(cid, text, bot=True, username=username or None,
                             thread_ts=form.get("thread_ts") or None, broadcast=flag(form, "reply_broadcast"))
        self.fake.sockets.emit(cid, msg)
        return {"ok": True, "channel": cid, "ts": msg["ts"], "message": public(msg)}

    def window(self, form, messages):
        """Messages between `oldest` and `latest`, exclusive unless `inclusive`."""
        oldest, latest = loose_ts(form.get("oldest")), loose_ts(form.get("latest"))
        inclusive = flag(form, "inclusive")
        out = []
        for m in messages:
            us = ts_to_micros(m["ts"])
            if oldest is not None and (us < oldest or (us == oldest and not inclusive)):
                continue
            if latest is not None and (us > latest or (us == latest and not inclusive)):
                continue
            out.append(m)
        return out

    def history(self, form, scopes):
        self.need(scopes, "channels:history", "groups:history")
        ch = self.store.channel(form.get("channel") or "")
        visible = [m for m in ch.messages if not m.get("_thread_only")]
        selected = self.window(form, visible)[::-1]  # newest first
        if form.get("cursor"):
            below = decode_cursor(form["cursor"])
            selected = [m for m in selected if ts_to_micros(m["ts"]) <= below]
        n = page_limit(form)
        page, rest = selected[:n], selected[n:]
        out = {"ok": True, "messages": [public(m) for m in page], "has_more": bool(rest),
               "pin_count": 0, "response_metadata": {"next_cursor": encode_cursor(ts_to_micros(rest[0]["ts"])) if rest else ""}}
        return out

    def replies(self, form, scopes):
        self.need(scopes, "channels:history", "groups:history")
        ch = self.store.channel(form.get("channel") or "")
        parent = self.store.find(ch, form.get("ts") or "")
        if parent is None:
            raise SlackError("thread_not_found")
        thread = [m for m in ch.messages if m.get("thread_ts") == parent["ts"] and m is not parent]
        selected = [parent] + self.window(form, thread)  # oldest first, parent first
        if form.get("cursor"):
            above = decode_cursor(form["cursor"])
            selected = [m for m in selected if ts_to_micros(m["ts"]) >= above]
        n = page_limit(form)
        page, rest = selected[:n], selected[n:]
        return {"ok": True, "messages": [public(m) for m in page], "has_more": bool(rest),
                "response_metadata": {"next_cursor": encode_cursor(ts_to_micros(rest[0]["ts"])) if rest else ""}}

    def info(self, form, scopes):
        self.need(scopes, "channels:read", "groups:read")
        ch = self.store.channel(form.get("channel") or "")
        return {"ok": True, "channel": {"id": ch.id, "name": ch.name, "is_channel": ch.id.startswith("C"),
                                        "is_private": ch.id.startswith("G"), "is_member": True,
                                        "last_read": micros_to_ts(ch.last_us)}}

    def lookup_by_email(self, form, scopes):
        self.need(scopes, "users:read.email")
        return {"ok": True, "user": self.store.user_by_email(form.get("email") or "")}

    def connections_open(self, form, scopes):
        return {"ok": True, "url": self.fake.sockets.new_ticket_url()}
