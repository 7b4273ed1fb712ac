"""What the chat-service benches share: a fake of backends/<name>/fake run as
a child process, a person's posts paced at a rate, waiting for their stamps,
and the floor (the service's own minimal client, measured alone)."""
import asyncio
import os
import time

from bench_session import describe

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def load_now():
    with open("/proc/loadavg") as f:
        return f.read().strip()


async def start_fake(script, *args):
    """The fake program `script` (a path under the repo) on a free port: (process, base url)."""
    proc = await asyncio.create_subprocess_exec("/usr/bin/python3", os.path.join(ROOT, script), "--port", "0", *args,
                                                stdout=asyncio.subprocess.PIPE)
    line = (await proc.stdout.readline()).decode()
    return proc, "http://127.0.0.1:%s" % line.split()[1]


async def paced_posts(service, count, rate, prefix):
    """`count` posts of `T|<prefix><i>|...` at `rate` per second through
    `service.human_post`; the send time of each key."""
    sent = {}
    start = time.monotonic()
    for i in range(count):
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        key = "%s%d" % (prefix, i)
        sent[key] = time.monotonic_ns()
        await service.human_post("T|%s|%s" % (key, "x" * 180))
    return sent


async def wait_for(stamps, keys, seconds):
    deadline = time.monotonic() + seconds
    while not all(k in stamps for k in keys) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)


async def floor(service, count, rate):
    """Latencies (ms) of `service.floor_client`, which stamps `T|key|` texts
    it receives and sets `ready` once it listens."""
    stamps, ready = {}, asyncio.Event()
    client = asyncio.ensure_future(service.floor_client(stamps, ready))
    await asyncio.wait_for(ready.wait(), 10)
    sent = await paced_posts(service, count, rate, "f")
    await wait_for(stamps, sent, 10)
    client.cancel()
    try:
        await client
    except asyncio.CancelledError:
        pass
    return [(stamps[k] - sent[k]) / 1e6 for k in sent if k in stamps]


async def with_fake(script, body):
    """Runs `await body(url)` with the fake `script` up, and stops it after."""
    fake, url = await start_fake(script)
    try:
        await body(url)
    finally:
        fake.terminate()
        await fake.wait()


async def measure_push(service, session, topic, count, rate, floor_ms, floor_label):
    """Once `session` listens on `topic`: `count` posts of a person at
    `rate`/s, each timed to its channel event, printed beside the floor."""
    await session.call("parley_fetch_recent", {"topic": topic, "limit": 1})
    await asyncio.sleep(1.5)
    sent = await paced_posts(service, count, rate, "p")
    await wait_for(session.channel, sent, 10)
    bridge = [(session.channel[k] - sent[k]) / 1e6 for k in sent if k in session.channel]
    print("push: %d posts at %d/s" % (count, rate))
    print(describe("  person's post -> channel event (parley)", bridge))
    print(describe("  floor: person's post -> " + floor_label, floor_ms))
