#!/usr/bin/python3
"""The fake Discord's honesty test: discord.py, a real Discord client library
(Debian's python3-discord), logs in, takes the gateway URL from
GET /gateway/bot (AutoShardedClient), IDENTIFYs, receives a human's message,
sends, replies, pages history both ways and RESUMEs a dropped socket against
the fake, and what discord.py parses must be right. Each check prints
`ok - ...`; the exit status is non-zero at the first failure.

    /usr/bin/python3 backends/discord/fake/discordpy_fidelity_test.py
"""

import asyncio
import json
import os
import subprocess
import sys
import time

import aiohttp
import discord
import discord.gateway
import discord.http
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tests", "support"))
from fake_checks import Failure, check  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TOKEN = "discordpy-token"
WAIT = 15.0  # generous: the machine may be busy


class Fake:
    """The fake as a child process (--port 0, SIGTERM to stop) and its control API."""

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_discord.py"), "--port", "0",
                                      "--token", TOKEN], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            self.stop()
            raise Failure(f"the fake did not start: {line!r}")
        self.base = f"http://127.0.0.1:{int(line.split()[1])}"
        self.http = None

    async def ctl(self, path, body=None, method="POST"):
        async with self.http.request(method, self.base + "/_fake" + path, json=body) as r:
            if r.status != 200:
                raise Failure(f"control {path} -> {r.status}")
            return await r.json()

    async def rest(self, path):
        async with self.http.get(self.base + "/api/v10" + path, headers={"Authorization": f"Bot {TOKEN}"}) as r:
            return json.loads(await r.text())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Bot(discord.AutoShardedClient):
    """Records what discord.py hands the application: messages, ready, resumed."""

    def __init__(self):
        intents = discord.Intents.none()
        intents.guilds = intents.guild_messages = intents.message_content = True
        # The fake sends no GUILD_CREATE after READY: do not wait 2 s for one.
        super().__init__(intents=intents, guild_ready_timeout=0.3, shard_count=None)
        self.messages = asyncio.Queue()
        self.seen = []
        self.ready_event = asyncio.Event()
        self.resumed_event = asyncio.Event()
        self.ready_count = 0

    async def on_ready(self):
        self.ready_count += 1
        self.ready_event.set()

    async def on_resumed(self):
        self.resumed_event.set()

    async def on_message(self, message):
        self.seen.append(message)
        await self.messages.put(message)

    async def next_message(self, pred=lambda m: True):
        deadline = time.monotonic() + WAIT
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure("timed out waiting for a MESSAGE_CREATE")
            try:
                m = await asyncio.wait_for(self.messages.get(), left)
            except asyncio.TimeoutError:
                raise Failure("timed out waiting for a MESSAGE_CREATE") from None
            if pred(m):
                return m


async def wait_event(event, what):
    try:
        await asyncio.wait_for(event.wait(), WAIT)
    except asyncio.TimeoutError:
        raise Failure(f"timed out waiting for {what}") from None


def drain(queue):
    while not queue.empty():
        queue.get_nowait()


async def login_and_ready(fake, bot):
    await wait_event(bot.ready_event, "on_ready")
    me = await fake.rest("/users/@me")
    app = await fake.rest("/applications/@me")
    check(bot.user is not None and bot.user.id == int(me["id"]), "READY: client.user is the fake's bot")
    check(bot.user.name == me["username"] and bot.user.bot, "client.user: username and bot flag")
    check(bot.application_id == int(app["id"]), "READY: application id parsed")
    check(bot.application_flags.gateway_message_content_limited, "READY: application flags parsed")
    check(bot.shard_count == 1, "GET /gateway/bot: discord.py reads shards = 1")
    stats = await fake.ctl("/stats", method="GET")
    check(stats["rest"].get("GET /api/v10/gateway/bot") == 1, "discord.py took the gateway URL from /gateway/bot")
    check(stats["identify"] == 1 and stats["connect_paths"] == ["/gateway"], "one IDENTIFY on the /gateway socket")
    url = await bot.http.get_gateway()
    check(url.startswith(fake.base.replace("http://", "ws://") + "/gateway?"), "GET /gateway: discord.py's URL")


async def receive_and_send(fake, bot):
    ch = await fake.ctl("/channels", {"name": "fidelity"})
    cid = int(ch["id"])
    posted = await fake.ctl(f"/channels/{cid}/messages", {"username": "alice", "content": "hello from alice"})
    got = await bot.next_message()
    check(got.id == int(posted["id"]), "on_message: a human's post arrives with its id")
    check(got.content == "hello from alice", "on_message: content (MESSAGE_CONTENT intent)")
    check(got.author.name == "alice" and not got.author.bot and got.author.id == int(posted["author"]["id"]),
          "on_message: author name, id, not a bot")
    check(got.channel.id == cid and got.guild is not None and got.guild.id == int(ch["guild_id"]),
          "on_message: channel and guild ids")
    check(got.type == discord.MessageType.default and got.reference is None, "a plain message: type default")
    created_ms = (got.id >> 22) + 1420070400000
    check(abs(got.created_at.timestamp() * 1000 - created_ms) < 1 and abs(created_ms - time.time() * 1000) < 60000,
          "created_at from the snowflake is now")

    channel = await bot.fetch_channel(cid)
    check(isinstance(channel, discord.TextChannel) and channel.name == "fidelity", "fetch_channel: a TextChannel")
    sent = await channel.send("from discord.py")
    check(isinstance(sent, discord.Message) and sent.content == "from discord.py", "channel.send returns the Message")
    check(sent.id > got.id, "the sent message's snowflake is later than the previous one")
    check(sent.author.id == bot.user.id and sent.channel.id == cid, "the sent message: author is the bot, channel")
    echo = await bot.next_message()
    check(echo.id == sent.id and echo.author == bot.user and echo.content == "from discord.py",
          "own send echoed through the gateway as MESSAGE_CREATE")

    reply = await got.reply("a reply")
    check(reply.type == discord.MessageType.reply, "message.reply(): type reply (19)")
    check(reply.reference is not None and reply.reference.message_id == got.id and reply.reference.channel_id == cid,
          "message.reply(): message_reference names the original")
    resolved = reply.reference.resolved
    check(isinstance(resolved, discord.Message) and resolved.content == "hello from alice",
          "referenced_message resolved to the original")
    echo = await bot.next_message()
    check(echo.id == reply.id and echo.reference is not None and echo.reference.message_id == got.id,
          "the reply's echo carries message_reference")
    return channel, [got.id, sent.id, reply.id]


async def history(fake, bot, channel, earlier):
    ids = []
    for i in range(120):
        ids.append(int((await fake.ctl(f"/channels/{channel.id}/messages",
                                       {"username": "bob", "content": f"h{i}"}))["id"]))
    await bot.next_message(lambda m: m.id == ids[-1])
    drain(bot.messages)
    every = earlier + ids

    newest = [m async for m in channel.history(limit=3)]
    check([m.id for m in newest] == every[:-4:-1], "history(limit=3): the newest three, newest first")
    two = [m async for m in channel.history(limit=2, after=discord.Object(ids[0]))]
    check([m.content for m in two] == ["h1", "h2"], "history(limit=2, after=x): the two right after x, oldest first")

    stats = await fake.ctl("/stats", method="GET")
    before_pages = stats["rest"].get("GET /api/v10/channels/{cid}/messages", 0)
    after_all = [m async for m in channel.history(limit=None, after=discord.Object(earlier[0]))]
    check([m.id for m in after_all] == every[1:], "history(after=x) over 100+: every message, oldest first, no dup")
    stats = await fake.ctl("/stats", method="GET")
    check(stats["rest"]["GET /api/v10/channels/{cid}/messages"] - before_pages == 2,
          "after-paging took two pages (discord.py continues from page[0], the newest)")
    before_all = [m async for m in channel.history(limit=None, before=discord.Object(ids[-1]))]
    check([m.id for m in before_all] == every[-2::-1], "history(before=x) over 100+: every message, newest first")
    limited = [m async for m in channel.history(limit=105, after=discord.Object(ids[4]))]
    check([m.content for m in limited] == [f"h{i}" for i in range(5, 110)], "history(limit=105, after=x) across pages")
    check(all(m.author.name == "bob" for m in limited), "history messages parse their author")


async def resume(fake, bot, channel):
    bot.resumed_event.clear()
    await fake.ctl("/gateway/drop")
    missed = await fake.ctl(f"/channels/{channel.id}/messages", {"username": "alice", "content": "while away"})
    await wait_event(bot.resumed_event, "on_resumed after a dropped socket")
    got = await bot.next_message(lambda m: m.content == "while away")
    check(got.id == int(missed["id"]), "the message posted while the socket was down is replayed on RESUME")
    stats = await fake.ctl("/stats", method="GET")
    check(stats["resume"] == 1 and stats["identify"] == 1, "a dropped socket: RESUME, no new IDENTIFY")
    check(stats["resume_paths"] == ["/resume-gateway"], "RESUME goes to READY's resume_gateway_url")
    await asyncio.sleep(0.3)
    check(sum(1 for m in bot.seen if m.id == got.id) == 1, "the replayed message is delivered once")
    after = await channel.send("after resume")
    echo = await bot.next_message(lambda m: m.id == after.id)
    check(echo.content == "after resume", "the resumed session still gets the bot's echo")


async def refused_resume(fake, bot, channel):
    ready_before = bot.ready_count
    bot.ready_event.clear()
    await fake.ctl("/gateway/refuse_resume", {"count": 1})
    await fake.ctl("/gateway/drop")
    await wait_event(bot.ready_event, "on_ready after a refused RESUME")
    stats = await fake.ctl("/stats", method="GET")
    check(stats["resume_refused"] == 1 and stats["identify"] == 2,
          "RESUME refused with op 9 d:false: discord.py IDENTIFYs anew")
    check(bot.ready_count == ready_before + 1, "a new READY")
    posted = await fake.ctl(f"/channels/{channel.id}/messages", {"username": "alice", "content": "new session"})
    got = await bot.next_message(lambda m: m.content == "new session")
    check(got.id == int(posted["id"]), "the new session receives messages")


async def run():
    fake = Fake()
    bot = None
    runner = None
    old_base, old_gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    try:
        fake.http = aiohttp.ClientSession()
        discord.http.Route.BASE = fake.base + "/api/v10"
        # Only used after an op 9 d:false (Discord's own gateway otherwise): never leave the machine.
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = discord.gateway.yarl.URL(
            fake.base.replace("http://", "ws://") + "/gateway")
        bot = Bot()
        runner = asyncio.ensure_future(bot.start(TOKEN))
        done, _ = await asyncio.wait([runner, asyncio.ensure_future(bot.ready_event.wait())], timeout=WAIT,
                                     return_when=asyncio.FIRST_COMPLETED)
        if runner in done:
            raise Failure(f"discord.py stopped before READY: {runner.exception()!r}")
        await login_and_ready(fake, bot)
        channel, earlier = await receive_and_send(fake, bot)
        await history(fake, bot, channel, earlier)
        await resume(fake, bot, channel)
        await refused_resume(fake, bot, channel)
        check(not runner.done(), "discord.py's client is still running")
    finally:
        if bot is not None:
            await bot.close()
        if runner is not None:
            try:
                await asyncio.wait_for(runner, 10)
            except Exception:  # noqa: BLE001 - shutting down; the checks already ran
                runner.cancel()
        if fake.http is not None:
            await fake.http.close()
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway
        fake.stop()


def main():
    started = time.monotonic()
    try:
        asyncio.run(asyncio.wait_for(run(), 50))
    except Failure as e:
        print(f"not ok - {e}")
        return 1
    except asyncio.TimeoutError:
        print("not ok - the test took longer than 50 s")
        return 1
    print(f"all discord.py fidelity checks passed in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
