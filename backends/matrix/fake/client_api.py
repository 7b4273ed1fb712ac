"""The Client-Server API endpoints the fake serves, under both /_matrix/client/v3
and /_matrix/client/r0 (matrix-nio 0.20 still speaks r0; Synapse serves both).
"""

import asyncio
import json
import time

from aiohttp import web

import timeline
from store import MatrixError


class Requester:
    """Who a request acts as, after the access token (and ?user_id= for an appservice)."""

    def __init__(self, user_id, device_id, token, appservice=None):
        self.user_id = user_id
        self.device_id = device_id
        self.token = token
        self.appservice = appservice


async def json_body(request):
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise MatrixError(400, "M_NOT_JSON", "Content not JSON.")
    if not isinstance(body, dict):
        raise MatrixError(400, "M_BAD_JSON", "Content must be a JSON object.")
    return body


def int_param(request, name, default):
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        return max(0, int(raw))
    except ValueError:
        raise MatrixError(400, "M_INVALID_PARAM", f"{name} must be an integer")


def json_param(request, name):
    raw = request.query.get(name)
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        raise MatrixError(400, "M_NOT_JSON", f"{name} is not JSON")
    if not isinstance(value, dict):
        raise MatrixError(400, "M_BAD_JSON", f"{name} must be a JSON object")
    return value


class ClientApi:
    def __init__(self, hs):
        self.hs = hs  # the FakeHomeserver: store, options, appservice, rate limit
        self.store = hs.store

    def routes(self):
        table = [
            ("GET", "/login", self.login_flows),
            ("POST", "/login", self.login),
            ("GET", "/account/whoami", self.whoami),
            ("POST", "/register", self.register),
            ("POST", "/createRoom", self.create_room),
            ("GET", "/directory/room/{alias}", self.get_alias),
            ("PUT", "/directory/room/{alias}", self.put_alias),
            ("POST", "/rooms/{room_id}/join", self.join),
            ("POST", "/join/{id_or_alias}", self.join),
            ("PUT", "/rooms/{room_id}/send/{type}/{txn_id}", self.send),
            ("GET", "/rooms/{room_id}/messages", self.messages),
            ("GET", "/rooms/{room_id}/context/{event_id}", self.context),
            ("GET", "/rooms/{room_id}/joined_members", self.joined_members),
            ("GET", "/joined_rooms", self.joined_rooms),
            ("POST", "/user/{user_id}/filter", self.put_filter),
            ("GET", "/user/{user_id}/filter/{filter_id}", self.get_filter),
            ("GET", "/sync", self.sync),
        ]
        out = [web.get("/_matrix/client/versions", self.versions)]
        for prefix in ("/_matrix/client/v3", "/_matrix/client/r0"):
            out += [web.route(m, prefix + p, h) for m, p, h in table]
        return out

    # ---- authentication ----------------------------------------------------

    def requester(self, request):
        auth = request.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else request.query.get("access_token")
        if not token:
            raise MatrixError(401, "M_MISSING_TOKEN", "Missing access token")
        asvc = self.hs.appservice
        if asvc is not None and token == asvc.reg["as_token"]:
            user = asvc.acting_user(request.query.get("user_id"))
            return Requester(user, "AS", token, asvc)
        if token not in self.store.tokens:
            raise MatrixError(401, "M_UNKNOWN_TOKEN", "Unknown access token", soft_logout=False)
        user_id, device_id = self.store.tokens[token]
        return Requester(user_id, device_id, token)

    async def versions(self, request):
        return web.json_response({"versions": ["r0.6.1", "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6"]})

    async def login_flows(self, request):
        flows = [{"type": "m.login.password"}] if self.hs.options["password_login"] else [{"type": "m.login.sso"}]
        return web.json_response({"flows": flows})

    async def login(self, request):
        if not self.hs.options["password_login"]:
            # An OIDC-native (MAS) homeserver does not serve password login at all.
            raise MatrixError(404, "M_UNRECOGNIZED", "Unrecognized request")
        body = await json_body(request)
        if body.get("type") != "m.login.password":
            raise MatrixError(400, "M_UNKNOWN", "Unknown login type")
        ident = body.get("identifier", {})
        user = ident.get("user") if ident.get("type") == "m.id.user" else body.get("user")
        if not isinstance(user, str):
            raise MatrixError(400, "M_INVALID_PARAM", "identifier.user is required")
        user_id = self.store.password_login(user, body.get("password"))
        token, device_id = self.store.issue_token(user_id, body.get("device_id"))
        return web.json_response(
            {"user_id": user_id, "access_token": token, "device_id": device_id, "home_server": self.store.server_name}
        )

    async def whoami(self, request):
        who = self.requester(request)
        return web.json_response({"user_id": who.user_id, "device_id": who.device_id, "is_guest": False})

    async def register(self, request):
        body = await json_body(request)
        if body.get("type") != "m.login.application_service":
            raise MatrixError(403, "M_FORBIDDEN", "Registration has been disabled")
        who = self.requester(request)
        if who.appservice is None:
            raise MatrixError(401, "M_MISSING_TOKEN", "Appservice registration needs the as_token")
        user_id = who.appservice.register(body.get("username", ""))
        out = {"user_id": user_id, "home_server": self.store.server_name}
        if not body.get("inhibit_login"):
            out["access_token"], out["device_id"] = self.store.issue_token(user_id)
        return web.json_response(out)

    # ---- rooms ---------------------------------------------------------------

    async def create_room(self, request):
        who = self.requester(request)
        body = await json_body(request)
        limit = self.hs.create_room_limit
        if limit is not None and not (who.appservice and not who.appservice.rate_limited):
            limit.check(who.user_id)
        room = self.store.create_room(
            who.user_id,
            body.get("room_alias_name"),
            body.get("preset"),
            body.get("visibility", "private"),
            body.get("name"),
            body.get("topic"),
        )
        return web.json_response({"room_id": room.room_id})

    async def get_alias(self, request):
        room = self.store.resolve(request.match_info["alias"])
        return web.json_response({"room_id": room.room_id, "servers": [self.store.server_name]})

    async def put_alias(self, request):
        self.requester(request)
        body = await json_body(request)
        self.store.set_alias(request.match_info["alias"], body.get("room_id", ""))
        return web.json_response({})

    async def join(self, request):
        who = self.requester(request)
        target = request.match_info.get("room_id") or request.match_info["id_or_alias"]
        room = self.store.join(target, who.user_id)
        return web.json_response({"room_id": room.room_id})

    async def joined_members(self, request):
        who = self.requester(request)
        room = self.store.joined_room(request.match_info["room_id"], who.user_id)
        return web.json_response({"joined": {m: {} for m in sorted(room.members)}})

    async def joined_rooms(self, request):
        who = self.requester(request)
        rooms = [r.room_id for r in self.store.rooms.values() if who.user_id in r.members]
        return web.json_response({"joined_rooms": rooms})

    async def send(self, request):
        who = self.requester(request)
        content = await json_body(request)
        m = request.match_info
        path = request.path.replace("/r0/", "/v3/", 1)  # the same txn over r0 or v3
        event_id = self.store.send(m["room_id"], who.user_id, m["type"], content, who.token, path)
        return web.json_response({"event_id": event_id})

    async def messages(self, request):
        who = self.requester(request)
        room = self.store.joined_room(request.match_info["room_id"], who.user_id)
        q = request.query
        body = timeline.messages(
            self.store,
            room,
            q.get("dir", ""),
            q.get("from"),
            q.get("to"),
            int_param(request, "limit", 10),
            json_param(request, "filter"),
            who.token,
            self.hs.options["forward_end_at_live_edge"],
        )
        return self.hs.respond(body)

    async def context(self, request):
        who = self.requester(request)
        room = self.store.joined_room(request.match_info["room_id"], who.user_id)
        limit = int_param(request, "limit", 10)
        return self.hs.respond(timeline.context(self.store, room, request.match_info["event_id"], limit, who.token))

    # ---- filters and sync ----------------------------------------------------

    async def put_filter(self, request):
        who = self.requester(request)
        if request.match_info["user_id"] != who.user_id:
            raise MatrixError(403, "M_FORBIDDEN", "Cannot create filters for other users")
        body = await json_body(request)
        filter_id = str(len(self.store.filters) + 1)
        self.store.filters[(who.user_id, filter_id)] = body
        return web.json_response({"filter_id": filter_id})

    async def get_filter(self, request):
        who = self.requester(request)
        key = (request.match_info["user_id"], request.match_info["filter_id"])
        if key[0] != who.user_id or key not in self.store.filters:
            raise MatrixError(404, "M_NOT_FOUND", "No such filter")
        return web.json_response(self.store.filters[key])

    def sync_filter(self, who, raw):
        if not raw:
            return {}
        if raw.lstrip().startswith("{"):
            try:
                return json.loads(raw)
            except json.JSONDecodeError:
                raise MatrixError(400, "M_NOT_JSON", "filter is not JSON")
        if (who.user_id, raw) not in self.store.filters:
            raise MatrixError(400, "M_INVALID_PARAM", f"Unknown filter id {raw}")
        return self.store.filters[(who.user_id, raw)]

    async def sync(self, request):
        """Long-polls up to `timeout` ms for something new; an initial sync answers at once."""
        who = self.requester(request)
        sync_filter = self.sync_filter(who, request.query.get("filter"))
        since_tok = request.query.get("since")
        since = timeline.parse_token(since_tok, self.store) if since_tok else None
        full_state = request.query.get("full_state") == "true"
        deadline = time.monotonic() + int_param(request, "timeout", 0) / 1000.0
        while True:
            wakeup = self.store.wakeup
            body, has_news = timeline.sync_body(self.store, who.user_id, since, sync_filter, who.token, full_state)
            remaining = deadline - time.monotonic()
            if has_news or since is None or remaining <= 0:
                return self.hs.respond(body)
            try:
                await asyncio.wait_for(wakeup.wait(), remaining)
            except asyncio.TimeoutError:
                pass
