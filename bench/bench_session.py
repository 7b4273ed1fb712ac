"""What the Python benches share: a `parley stdio` session spoken to as
Claude Code would (channel events stamped on arrival, tool calls), and
percentiles."""
import asyncio
import json
import os
import tempfile
import time


def percentile(values, p):
    if not values:
        return 0.0
    v = sorted(values)
    return v[min(len(v) - 1, int(p * len(v)))]


def describe(label, ms):
    return "%-44s p50 %7.3f ms   p90 %7.3f ms   p99 %7.3f ms   max %7.3f ms   (%d)" % (
        label, percentile(ms, .5), percentile(ms, .9), percentile(ms, .99), percentile(ms, 1.0), len(ms))


class Session:
    """A `parley stdio` process. Channel events whose content holds
    `T|<key>|` are stamped with their arrival time in `channel[key]`, and
    counted in `heard[key]`."""

    def __init__(self, proc):
        self.proc = proc
        self.channel = {}
        self.heard = {}
        self.pending = {}
        self.next_id = 1

    def send(self, obj):
        self.proc.stdin.write(json.dumps(obj).encode() + b"\n")

    async def read(self):
        while True:
            line = await self.proc.stdout.readline()
            if not line:
                return
            t = time.monotonic_ns()
            if b"notifications/claude/channel" in line:
                content = json.loads(line)["params"]["content"]
                if "T|" in content:
                    key = content[content.index("T|"):].split("|")[1]
                    self.channel[key] = t
                    self.heard[key] = self.heard.get(key, 0) + 1
                continue
            msg = json.loads(line)
            if msg.get("id") in self.pending:
                self.pending.pop(msg["id"]).set_result(msg)

    async def call(self, tool, args):
        rid = self.next_id
        self.next_id += 1
        future = asyncio.get_event_loop().create_future()
        self.pending[rid] = future
        self.send({"jsonrpc": "2.0", "id": rid, "method": "tools/call", "params": {"name": tool, "arguments": args}})
        # A session that died (or a backend this build lacks) answers nothing:
        # fail in a minute rather than hang.
        answer = await asyncio.wait_for(future, 60)
        if "result" not in answer or answer["result"].get("isError"):
            raise SystemExit("%s failed: %s" % (tool, json.dumps(answer)[:500]))
        return json.loads(answer["result"]["content"][0]["text"])


async def start_session(parley_bin, topics, backend, scratch=None):
    """`backend` is (name, {backend_config key: value}). A session started
    again with the same `scratch` directory keeps its state (read cursors,
    a backend's state under XDG_STATE_HOME)."""
    name, config = backend
    scratch = scratch or tempfile.mkdtemp(prefix="parley-bench-")
    path = os.path.join(scratch, "session.yaml")
    with open(path, "w") as f:
        f.write("identity: {handle: bench}\ntopics: [%s]\nlive_push: {enabled: true}\npresence: {enabled: false}\n"
                "backend: %s\nbackend_config: %s\n" % (", ".join(topics), name, json.dumps(config)))
    proc = await asyncio.create_subprocess_exec(parley_bin, "stdio", "--config", path, stdin=asyncio.subprocess.PIPE,
                                                stdout=asyncio.subprocess.PIPE, env=dict(os.environ, XDG_STATE_HOME=scratch),
                                                limit=64 << 20)  # a page of 1000 messages is one line
    s = Session(proc)
    s.scratch = scratch
    s.reader = asyncio.ensure_future(s.read())
    s.send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}})
    s.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    return s
