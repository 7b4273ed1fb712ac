"""The REST v10 subset Parley's Discord backend calls, under /api/v10."""

import json

from aiohttp import web

from store import ApiError

API = "/api/v10"


def snowflake_param(request, name):
    v = request.query.get(name)
    if v is None:
        return None
    if not v.isdigit() or len(v) > 20 or int(v) >= 1 << 64:
        raise ApiError(400, 50035, "Invalid Form Body", {name: {"_errors": [
            {"code": "NUMBER_TYPE_COERCE", "message": f"Value \"{v}\" is not snowflake."}]}})
    return int(v)


class RestApi:
    def __init__(self, fake):
        self.fake = fake
        self.store = fake.store

    def routes(self):
        return [
            web.get(API + "/users/@me", self.me),
            web.get(API + "/applications/@me", self.application),
            web.get(API + "/oauth2/applications/@me", self.application),
            web.get(API + "/gateway", self.gateway),
            web.get(API + "/gateway/bot", self.gateway_bot),
            web.get(API + "/channels/{cid}", self.channel),
            web.get(API + "/channels/{cid}/messages", self.messages),
            web.get(API + "/channels/{cid}/messages/{mid}", self.message),
            web.post(API + "/channels/{cid}/messages", self.create),
            web.post(API + "/webhooks/{wid}/{wtoken}", self.execute_webhook),
        ]

    def authorize(self, request):
        auth = request.headers.get("Authorization", "")
        if auth != "Bot " + self.store.token:
            raise ApiError(401, 0, "401: Unauthorized")

    async def json_body(self, request):
        try:
            body = json.loads(await request.text())
        except ValueError:
            raise ApiError(400, 50109, "The request body contains invalid JSON.")
        if not isinstance(body, dict):
            raise ApiError(400, 50109, "The request body contains invalid JSON.")
        return body

    async def me(self, request):
        self.authorize(request)
        return web.json_response(self.store.bot)

    async def application(self, request):
        self.authorize(request)
        return web.json_response(self.store.application)

    async def gateway(self, request):
        return web.json_response({"url": self.fake.ws_url("/gateway")})

    async def gateway_bot(self, request):
        self.authorize(request)
        return web.json_response({"url": self.fake.ws_url("/gateway"), "shards": 1,
                                  "session_start_limit": dict(self.fake.gateway.current_budget())})

    async def channel(self, request):
        self.authorize(request)
        return web.json_response(self.store.channel(request.match_info["cid"])["channel"])

    async def messages(self, request):
        self.authorize(request)
        cid = request.match_info["cid"]
        limit = request.query.get("limit", "50")
        if not limit.isdigit() or not 1 <= int(limit) <= 100:
            raise ApiError(400, 50035, "Invalid Form Body", {"limit": {"_errors": [
                {"code": "NUMBER_TYPE_MAX", "message": "int value should be less than or equal to 100."}]}})
        page = self.store.page(cid, int(limit), snowflake_param(request, "after"),
                               snowflake_param(request, "before"), snowflake_param(request, "around"))
        return web.json_response(page)

    async def message(self, request):
        self.authorize(request)
        for m in self.store.channel(request.match_info["cid"])["messages"]:
            if m["id"] == request.match_info["mid"]:
                return web.json_response(m)
        raise ApiError(404, 10008, "Unknown Message")

    async def create(self, request):
        self.authorize(request)
        body = await self.json_body(request)
        msg = self.store.create_message(request.match_info["cid"], self.store.bot, body.get("content") or "",
                                        body.get("message_reference"))
        self.fake.gateway.message_create(msg)
        return web.json_response(msg)

    async def execute_webhook(self, request):
        hook = self.store.webhooks.get(request.match_info["wid"])
        if hook is None or hook["token"] != request.match_info["wtoken"]:
            raise ApiError(404, 10015, "Unknown Webhook")
        body = await self.json_body(request)
        author = {"id": hook["id"], "username": body.get("username") or "parley-hook", "discriminator": "0000",
                  "avatar": None, "bot": True}
        msg = self.store.create_message(hook["channel_id"], author, body.get("content") or "",
                                        webhook_id=hook["id"])
        self.fake.gateway.message_create(msg)
        if request.query.get("wait") == "true":
            return web.json_response(msg)
        return web.Response(status=204)
