"""Faults a test queues through the control API, and the createRoom rate limit.

A fault applies to the next `count` client requests whose path starts with
`path_prefix`; r0 paths are matched as their v3 twins so one fault covers both.
"""

import base64
import json
import time

from aiohttp import web

from store import MatrixError

KINDS = ("429", "invalid_json", "wrong_shape", "raw", "drop")


def normalized(path):
    return path.replace("/_matrix/client/r0/", "/_matrix/client/v3/", 1)


class Faults:
    def __init__(self):
        self.queue = []  # dicts: kind, path_prefix, count, and per-kind fields

    def add(self, spec):
        if spec.get("kind") not in KINDS:
            raise MatrixError(400, "M_INVALID_PARAM", f"kind must be one of {KINDS}")
        spec = dict(spec)
        spec.setdefault("path_prefix", "/_matrix/client/v3/sync")
        spec.setdefault("count", 1)
        self.queue.append(spec)
        return spec

    def take(self, path):
        """The first queued fault for this path, consuming one of its count."""
        path = normalized(path)
        for spec in self.queue:
            if path.startswith(normalized(spec["path_prefix"])):
                spec["count"] -= 1
                if spec["count"] <= 0:
                    self.queue.remove(spec)
                return spec
        return None


async def apply(spec, request):
    """The response a fault stands for."""
    kind = spec["kind"]
    if kind == "429":
        body = {"errcode": "M_LIMIT_EXCEEDED", "error": "Too many requests"}
        headers = {}
        if "retry_after_ms" in spec:
            body["retry_after_ms"] = spec["retry_after_ms"]
        if "retry_after_header" in spec:
            headers["Retry-After"] = str(spec["retry_after_header"])
        return web.json_response(body, status=429, headers=headers)
    if kind == "invalid_json":
        return web.Response(body=b'{"next_batch": "s1", "rooms": {"join": {', content_type="application/json")
    if kind == "wrong_shape":
        shape = spec.get("json", {"next_batch": 42, "rooms": {"join": ["not", "an", "object"]}})
        return web.Response(body=json.dumps(shape).encode(), content_type="application/json")
    if kind == "raw":
        return web.Response(body=base64.b64decode(spec["raw_b64"]), content_type="application/json")
    # drop: promise a long body, send part of it, then cut the connection.
    resp = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
    resp.content_length = 4096
    await resp.prepare(request)
    await resp.write(b'{"next_batch": "s')
    request.transport.close()
    return resp


class RateLimit:
    """A token bucket like Synapse's rc_room_creation: `burst` at once, then `per_second`."""

    def __init__(self, burst, per_second):
        self.burst = burst
        self.per_second = per_second
        self.buckets = {}  # user_id -> (tokens, last_time)

    def check(self, user_id):
        now = time.monotonic()
        tokens, last = self.buckets.get(user_id, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.per_second)
        if tokens < 1.0:
            self.buckets[user_id] = (tokens, now)
            wait_ms = int((1.0 - tokens) / self.per_second * 1000) + 1
            raise MatrixError(429, "M_LIMIT_EXCEEDED", "Too many requests", retry_after_ms=wait_ms)
        self.buckets[user_id] = (tokens - 1.0, now)
