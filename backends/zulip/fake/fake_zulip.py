#!/usr/bin/python3
"""A fake Zulip server for Parley's tests: the REST API Parley's Zulip
backend calls (HTTP Basic, form-encoded, under /api/v1/), event queues with
parked long-polls and heartbeats, and a control API under /_fake/.

    /usr/bin/python3 fake_zulip.py --port 0 [--user EMAIL:API_KEY:FULL NAME]... [--heartbeat-s 50]

prints `PORT <n>` once listening on 127.0.0.1 and runs until SIGTERM. The
site URL is `http://127.0.0.1:<n>`. The first user is the bot (default
`parley-bot@localhost:parley-api-key:Parley Bot`), the others humans
(default `alice@example.com:alice-api-key:Alice`); the stream `parley`
exists with all of them subscribed. What it models: CHECKLIST.md beside it.
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
from rest_api import RestApi, answer_raw  # noqa: E402
from store import Store  # noqa: E402
from fake_serve import listen, serve  # noqa: E402

DEFAULT_USERS = [("parley-bot@localhost", "parley-api-key", "Parley Bot"),
                 ("alice@example.com", "alice-api-key", "Alice")]


class FakeZulip:
    def __init__(self, users=None, heartbeat_s=50.0):
        users = users or DEFAULT_USERS
        self.store = Store(users)
        self.human_email = users[1][0] if len(users) > 1 else users[0][0]
        self.heartbeat_s = heartbeat_s
        self.rate_limits = []  # queued 429s
        self.garbage = []  # queued garbage answers
        self.away_until = 0.0
        self.started = time.monotonic()
        self.request_log = []
        self.rest = RestApi(self)
        self.port = None
        self.runner = None

    def take(self, queue, path, method):
        for item in queue:
            if item.get("path") in (None, path) and item.get("method") in (None, method):
                item["count"] -= 1
                if item["count"] <= 0:
                    queue.remove(item)
                return item
        return None

    @web.middleware
    async def middleware(self, request, handler):
        if request.path.startswith("/_fake/"):
            return await handler(request)
        if self.away_until > time.monotonic():
            request.transport.abort()  # gone: the connection is cut before any answer
            raise web.HTTPServiceUnavailable()
        self.request_log.append({"method": request.method, "path": request.path,
                                 "content_type": request.content_type,
                                 "t": round(time.monotonic() - self.started, 3)})
        rl = self.take(self.rate_limits, request.path, request.method)
        if rl is not None:
            wait = rl["retry_after"] if rl["retry_after"] is not None else 0.2
            headers = {} if rl["retry_after"] is None else {"Retry-After": str(rl["retry_after"])}
            resp = answer_raw({"result": "error", "msg": "API usage exceeded rate limit",
                               "retry-after": wait, "code": "RATE_LIMIT_HIT"}, 429)
            resp.headers.update(headers)
            return resp
        g = self.take(self.garbage, request.path, request.method)
        if g is not None:
            return web.Response(text=g["body"], status=g["status"], content_type="application/json")
        resp = await handler(request)
        if self.away_until > time.monotonic():
            request.transport.abort()  # went away while the poll was parked
        return resp

    def make_app(self):
        app = web.Application(middlewares=[self.middleware, self.rest.middleware], client_max_size=32 << 20)
        app.add_routes(self.rest.routes())
        app.add_routes(ControlApi(self).routes())
        return app

    async def start(self, port=0, host="127.0.0.1"):
        """Listen and return the bound port."""
        self.runner, self.port = await listen(self.make_app(), port, host)
        return self.port

    async def stop(self):
        self.store.expire_all()
        if self.runner is not None:
            await self.runner.cleanup()


def parse_user(spec):
    parts = spec.split(":", 2)
    if len(parts) != 3:
        raise argparse.ArgumentTypeError("expected EMAIL:API_KEY:FULL NAME")
    return tuple(parts)


async def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--user", action="append", default=[], type=parse_user, metavar="EMAIL:API_KEY:FULL NAME")
    p.add_argument("--heartbeat-s", type=float, default=50.0)
    args = p.parse_args(argv)
    fake = FakeZulip(args.user or None, args.heartbeat_s)
    return await serve(fake, args.port)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
