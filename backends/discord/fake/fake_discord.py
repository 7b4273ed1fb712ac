#!/usr/bin/python3
"""A fake Discord for Parley's tests, written from Discord's public API
documentation: the REST v10 subset the Discord backend calls and the
gateway (JSON encoding) on one port, plus a control API under /_fake/.

    /usr/bin/python3 fake_discord.py --port 0 [--token T] [--heartbeat-ms N]

prints `PORT <n>` once listening on 127.0.0.1 and runs until SIGTERM.
What it models and which test checks it: CHECKLIST.md beside this file.
"""

import argparse
import asyncio
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "support"))

from aiohttp import web  # noqa: E402

from control_api import ControlApi  # noqa: E402
from gateway import Gateway  # noqa: E402
from rest_api import RestApi  # noqa: E402
from store import ApiError, Store  # noqa: E402
from fake_serve import listen, serve  # noqa: E402


class FakeDiscord:
    def __init__(self, token="test-token", heartbeat_ms=41250):
        self.store = Store(token)
        self.heartbeat_ms = heartbeat_ms
        self.gateway = Gateway(self)
        self.port = 0
        self.runner = None
        self.outage_until = 0.0
        self.rate_limits = []  # pending 429s: {"retry_after": float, "header": bool, "global": bool}
        self.rest_calls = {}  # "METHOD /route" -> count
        self.global_limit = 0  # requests per second before a global 429; 0: none
        self.recent = []  # monotonic times of the last second's REST calls
        self.global_limited = 0

    def ws_url(self, path):
        return f"ws://127.0.0.1:{self.port}{path}"

    def outage_active(self):
        return time.monotonic() < self.outage_until

    @web.middleware
    async def middleware(self, request, handler):
        if request.path.startswith("/_fake/"):
            return await handler(request)
        resp = await self.serve(request, handler)
        if resp.content_type == "application/json":
            resp.charset = None  # Discord sends `Content-Type: application/json`, no charset
        return resp

    async def serve(self, request, handler):
        if self.outage_active():
            request.transport.close()  # the server is gone: no answer at all
            raise web.HTTPServiceUnavailable()
        if request.path.startswith("/api/"):
            route = request.match_info.route.resource.canonical if request.match_info.route.resource else "?"
            key = f"{request.method} {route}"
            self.rest_calls[key] = self.rest_calls.get(key, 0) + 1
            if self.rate_limits:
                return self.too_many(self.rate_limits.pop(0))
            if self.over_global_limit():
                self.global_limited += 1
                return self.too_many({"retry_after": 0.5, "global": True})
        try:
            return await handler(request)
        except ApiError as e:
            return web.json_response(e.body(), status=e.status)
        except web.HTTPNotFound:
            return web.json_response({"message": "404: Not Found", "code": 0}, status=404)
        except web.HTTPMethodNotAllowed:
            return web.json_response({"message": "405: Method Not Allowed", "code": 0}, status=405)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            traceback.print_exc()
            return web.json_response({"message": f"Invalid Form Body: {e!r}", "code": 50035}, status=400)

    def over_global_limit(self):
        """Discord's global limit: so many requests per second per bot."""
        if not self.global_limit:
            return False
        now = time.monotonic()
        self.recent = [t for t in self.recent if t > now - 1.0]
        if len(self.recent) >= self.global_limit:
            return True
        self.recent.append(now)
        return False

    def too_many(self, spec):
        headers = {"X-RateLimit-Scope": "global" if spec.get("global") else "user"}
        if spec.get("global"):
            headers["X-RateLimit-Global"] = "true"
        if spec.get("header", True):
            headers["Retry-After"] = str(max(1, int(spec["retry_after"] + 0.999)))
        body = {"message": "You are being rate limited.", "global": bool(spec.get("global"))}
        if spec.get("body", True):
            body["retry_after"] = spec["retry_after"]
        return web.json_response(body, status=429, headers=headers)

    def make_app(self):
        app = web.Application(middlewares=[self.middleware], client_max_size=64 * 1024 * 1024)
        app.add_routes(RestApi(self).routes())
        app.add_routes([web.get("/gateway", self.gateway.handle), web.get("/resume-gateway", self.gateway.handle)])
        app.add_routes(ControlApi(self).routes())
        return app

    async def start(self, port=0, host="127.0.0.1"):
        self.runner, self.port = await listen(self.make_app(), port, host)
        return self.port

    async def stop(self):
        self.gateway.drop_all()
        if self.runner is not None:
            await self.runner.cleanup()


async def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--token", default="test-token")
    p.add_argument("--heartbeat-ms", type=int, default=41250)
    args = p.parse_args(argv)
    fake = FakeDiscord(args.token, args.heartbeat_ms)
    return await serve(fake, args.port)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
