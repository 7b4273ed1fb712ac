#!/usr/bin/python3
"""A fake Matrix homeserver for Parley's tests: one in-memory store, many rooms
and users, the Client-Server API subset Parley's Matrix backend calls, an
application service pusher, and a control API under /_fake/ for faults.

    /usr/bin/python3 fake_homeserver.py --port 0 [--server-name parley.local]
        [--appservice-registration FILE] [--user name:password ...]

prints `PORT <n>` once listening on 127.0.0.1 and runs until SIGTERM.
In-process: `hs = FakeHomeserver(); port = await hs.start(); ...; await hs.stop()`.
What it models and what it does not: CHECKLIST.md beside this file.
"""

import argparse
import asyncio
import json
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "support"))

from aiohttp import web  # noqa: E402

import faults  # noqa: E402
from appservice import AppService, load_registration  # noqa: E402
from client_api import ClientApi  # noqa: E402
from control_api import ControlApi  # noqa: E402
from store import MatrixError, Store  # noqa: E402
from fake_serve import listen, serve  # noqa: E402

def error_response(status, errcode, error, **extra):
    return web.json_response(dict({"errcode": errcode, "error": error}, **extra), status=status)


class FakeHomeserver:
    def __init__(
        self,
        server_name="parley.local",
        users=None,
        registration=None,
        create_room_ratelimit=False,
        password_login=True,
    ):
        self.store = Store(server_name)
        self.initial_users = dict(users if users is not None else {"parley": "parleypass"})
        self.registration = registration
        self.ratelimit_on_start = create_room_ratelimit
        self.password_login_on_start = password_login
        self.appservice = None
        self.runner = None
        self.reset()

    def reset(self):
        """Back to the state at start: initial users only, no rooms, no faults, default options."""
        self.store.reset()
        self.store.passwords = {}
        for name, password in self.initial_users.items():
            self.store.add_user(name, password)
        # forward_end_at_live_edge: give `end` on a forward page even at the live edge, as Synapse does.
        self.options = {"password_login": self.password_login_on_start, "forward_end_at_live_edge": False}
        self.faults = faults.Faults()
        self.create_room_limit = faults.RateLimit(2, 0.022) if self.ratelimit_on_start else None
        self.raw = {}  # placeholder string -> raw bytes spliced into responses
        if self.appservice is not None:
            self.appservice.pending.clear()
            self.appservice.sent.clear()
            self.store.add_user(self.appservice.sender)

    # ---- encoding --------------------------------------------------------------

    def raw_placeholder(self, data):
        key = f"\x00raw{len(self.raw)}\x00"
        self.raw[key] = data
        return key

    def encode(self, body):
        """JSON bytes, ASCII-escaped (so lone surrogates stay \\udc80 escapes), with
        every raw-bytes placeholder replaced by its bytes, invalid UTF-8 and all."""
        out = json.dumps(body).encode("ascii")
        for key, data in self.raw.items():
            quoted = json.dumps(key).encode("ascii")
            if quoted in out:
                out = out.replace(quoted, b'"' + _escape_raw(data) + b'"')
        return out

    def respond(self, body):
        return web.Response(body=self.encode(body), content_type="application/json")

    # ---- the HTTP server -------------------------------------------------------

    @web.middleware
    async def middleware(self, request, handler):
        if not request.path.startswith("/_fake/"):
            spec = self.faults.take(request.path)
            if spec is not None:
                return await faults.apply(spec, request)
        try:
            return await handler(request)
        except MatrixError as e:
            return error_response(e.status, e.errcode, e.error, **e.extra)
        except web.HTTPNotFound:
            return error_response(404, "M_UNRECOGNIZED", "Unrecognized request")
        except web.HTTPMethodNotAllowed:
            return error_response(405, "M_UNRECOGNIZED", "Unrecognized request")
        except (KeyError, TypeError, AttributeError, ValueError) as e:
            traceback.print_exc()
            return error_response(400, "M_BAD_JSON", f"Malformed request: {e!r}")

    def make_app(self):
        app = web.Application(middlewares=[self.middleware])
        app.add_routes(ClientApi(self).routes())
        app.add_routes(ControlApi(self).routes())
        return app

    async def start(self, port=0, host="127.0.0.1"):
        """Listen and return the bound port."""
        if self.registration is not None:
            self.appservice = AppService(self.registration, self.store, self.encode)
            self.appservice.start()
        self.runner, port = await listen(self.make_app(), port, host)
        return port

    async def stop(self):
        if self.appservice is not None:
            await self.appservice.stop()
        if self.runner is not None:
            await self.runner.cleanup()


def _escape_raw(data):
    """Make bytes safe inside a JSON string literal without touching bytes >= 0x80."""
    out = bytearray()
    for b in data:
        if b in (0x22, 0x5C):
            out += b"\\" + bytes([b])
        elif b < 0x20:
            out += b"\\u%04x" % b
        else:
            out.append(b)
    return bytes(out)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--server-name", default="parley.local")
    p.add_argument("--appservice-registration", metavar="FILE")
    p.add_argument(
        "--user", action="append", default=[], metavar="NAME:PASSWORD", help="replaces the default parley:parleypass"
    )
    p.add_argument("--no-password-login", action="store_true", help="refuse /login like an OIDC-native homeserver")
    p.add_argument(
        "--create-room-ratelimit", action="store_true", help="burst 2, then about one per 45 s, like Synapse"
    )
    return p.parse_args(argv)


async def main(argv):
    args = parse_args(argv)
    users = dict(u.split(":", 1) for u in args.user) if args.user else None
    reg = load_registration(args.appservice_registration) if args.appservice_registration else None
    hs = FakeHomeserver(args.server_name, users, reg, args.create_room_ratelimit, not args.no_password_login)
    return await serve(hs, args.port)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
