#!/usr/bin/python3
"""A scripted WebSocket peer for the ws_client tests (Debian's python3-aiohttp).

Serves the same routes in plain text on one port and over TLS on another (and,
with --wrong-cert, over TLS with a certificate for another name on a third),
then prints `PORT <plain> <tls> [<wrong-name tls>]`.

Routes: /echo, /close?code=&reason=, /burst?n=&size=, /big?bytes=, /drop,
/headers, /reject (403, no upgrade), /hang (never answers the upgrade),
/silent (never answers a ping).
"""
import argparse
import asyncio
import json
import signal
import ssl

from aiohttp import web, WSMsgType


async def echo(ws, request):
    async for msg in ws:
        if msg.type == WSMsgType.TEXT:
            await ws.send_str(msg.data)
        elif msg.type == WSMsgType.BINARY:
            await ws.send_bytes(msg.data)


async def close(ws, request):
    await ws.close(code=int(request.query.get("code", "1000")),
                   message=request.query.get("reason", "").encode())


async def burst(ws, request):
    n = int(request.query.get("n", "100"))
    size = int(request.query.get("size", "8"))
    for i in range(n):
        await ws.send_str(f"{i}:" + "x" * size)
    await echo(ws, request)


async def big(ws, request):
    await ws.send_str("b" * int(request.query["bytes"]))
    await ws.send_str("after")
    await echo(ws, request)


async def drop(ws, request):
    await ws.receive()
    request.transport.abort()  # no close frame: the client must see 1006


async def headers(ws, request):
    await ws.send_str(json.dumps(dict(request.headers)))
    await echo(ws, request)


async def silent(ws, request):
    async for _ in ws:  # pings arrive here unanswered (autoping=False)
        pass


ROUTES = {"/echo": echo, "/close": close, "/burst": burst, "/big": big,
          "/drop": drop, "/headers": headers, "/silent": silent}


async def handle(request):
    if request.path == "/reject":
        return web.Response(status=403, text="no")
    if request.path == "/hang":
        await asyncio.sleep(3600)
    route = ROUTES.get(request.path)
    if route is None:
        return web.Response(status=404)
    ws = web.WebSocketResponse(autoping=request.path != "/silent", max_msg_size=0)
    await ws.prepare(request)
    await route(ws, request)
    return ws


def tls_context(cert, key):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--wrong-cert")
    p.add_argument("--wrong-key")
    args = p.parse_args()
    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", handle)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    sites = [web.TCPSite(runner, "127.0.0.1", 0),
             web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls_context(args.cert, args.key))]
    if args.wrong_cert:
        sites.append(web.TCPSite(runner, "127.0.0.1", 0,
                                 ssl_context=tls_context(args.wrong_cert, args.wrong_key)))
    ports = []
    for site in sites:
        await site.start()
        ports.append(str(site._server.sockets[0].getsockname()[1]))
    print("PORT " + " ".join(ports), flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
