#!/usr/bin/python3
"""A fake Slack for Parley's tests: the Web API methods Parley's Slack backend
calls (form-encoded, under /api/), Socket Mode over ws:// and a control API
under /_fake/ for humans' messages and faults.

    /usr/bin/python3 fake_slack.py --port 0 [--bot-token T[:scope,scope]]... [--app-token T]...

prints `PORT <n>` once listening on 127.0.0.1 and runs until SIGTERM. The
Web API base URL is `http://127.0.0.1:<n>/api`. Default tokens: bot
`xoxb-fake` (without chat:write.customize), bot `xoxb-fake-customize` (with
it; the same bot), app `xapp-fake`. What it models: CHECKLIST.md beside it.
"""

import argparse
import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "support"))

from aiohttp import web  # noqa: E402

from control_api import ControlApi  # noqa: E402
from socket_mode import SocketMode  # noqa: E402
from store import BASE_SCOPES, Store  # noqa: E402
from web_api import WebApi  # noqa: E402
from fake_serve import listen, serve  # noqa: E402

DEFAULT_BOT_TOKENS = {"xoxb-fake": BASE_SCOPES, "xoxb-fake-customize": BASE_SCOPES + ["chat:write.customize"]}
DEFAULT_APP_TOKENS = ["xapp-fake"]


class FakeSlack:
    def __init__(self, bot_tokens=None, app_tokens=None):
        self.store = Store(bot_tokens or DEFAULT_BOT_TOKENS, app_tokens or DEFAULT_APP_TOKENS)
        self.sockets = SocketMode(self)
        self.calls = []  # every Web API call: method, content type, form fields (token removed)
        self.rate_limits = []  # queued 429s
        self.away_until = 0.0
        self.port = None
        self.runner = None

    def take_rate_limit(self, method):
        for rl in self.rate_limits:
            if rl["method"] in (None, method):
                rl["count"] -= 1
                if rl["count"] <= 0:
                    self.rate_limits.remove(rl)
                return rl
        return None

    @web.middleware
    async def middleware(self, request, handler):
        if request.path.startswith("/_fake/"):
            return await handler(request)
        if self.away_until > time.monotonic():
            # Gone: the connection is cut before any answer.
            request.transport.abort()
            raise web.HTTPServiceUnavailable()
        if request.path.startswith("/api/"):
            rl = self.take_rate_limit(request.match_info.get("method") or request.path[len("/api/"):])
            if rl is not None:
                headers = {} if rl["retry_after"] is None else {"Retry-After": str(rl["retry_after"])}
                return web.json_response({"ok": False, "error": "ratelimited"}, status=429, headers=headers)
        return await handler(request)

    def make_app(self):
        app = web.Application(middlewares=[self.middleware], client_max_size=32 << 20)
        app.add_routes(WebApi(self).routes())
        app.add_routes(self.sockets.routes())
        app.add_routes(ControlApi(self).routes())
        return app

    async def start(self, port=0, host="127.0.0.1"):
        """Listen and return the bound port."""
        self.runner, self.port = await listen(self.make_app(), port, host)
        return self.port

    async def stop(self):
        for ws in list(self.sockets.connections):
            await ws.close()
        if self.runner is not None:
            await self.runner.cleanup()


def parse_token(spec):
    token, _, scopes = spec.partition(":")
    return token, (scopes.split(",") if scopes else list(DEFAULT_BOT_TOKENS["xoxb-fake"]))


async def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--bot-token", action="append", default=[], metavar="TOKEN[:SCOPES]")
    p.add_argument("--app-token", action="append", default=[])
    args = p.parse_args(argv)
    bots = dict(parse_token(t) for t in args.bot_token) if args.bot_token else None
    fake = FakeSlack(bots, args.app_token or None)
    return await serve(fake, args.port)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
