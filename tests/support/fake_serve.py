"""How every fake of a hosted chat service runs as a program: start on the
given loopback port, print `PORT <n>` (what tests/support/child_server and
the e2e harness wait for), serve until SIGTERM or SIGINT, then stop.
`fake` has `async start(port) -> port` and `async stop()`.
"""

import asyncio
import signal

from aiohttp import web


async def listen(app, port, host="127.0.0.1"):
    """Serves the aiohttp `app` on host:port (0: any free port); returns
    (runner, the bound port). `await runner.cleanup()` stops it."""
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner, runner.addresses[0][1]


async def serve(fake, port):
    bound = await fake.start(port)
    print(f"PORT {bound}", flush=True)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    await stopping.wait()
    await fake.stop()
    return 0
