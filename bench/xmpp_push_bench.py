#!/usr/bin/python3
"""XMPP figures beside their floor, through a whole `parley stdio` session.

push: a person's client (slixmpp, an independent implementation) posts into
a room; we time (a) the Claude Code channel event leaving the session, and
(b) the same client receiving its own message back from the room. (b) is
the floor: the server's round trip as a plain client sees it; (a) - (b) is
what the bridge adds.

catch-up: the person posts CATCHUP messages into another room; (a) the
session reads them all with parley_fetch_recent (pages of 100, by cursor),
(b) the person's own client reads the same archive (MAM, pages of 100).

  bench/xmpp_push_bench.py PARLEY_BIN [COUNT=1000] [RATE=100] [CATCHUP=10000]

Needs the Prosody of scripts/test-services.sh ($PARLEY_XMPP_SERVICE,
$PARLEY_XMPP_DOMAIN, $PARLEY_XMPP_MUC). Both clocks are this process's
time.monotonic_ns(), read in one asyncio loop, so both paths pay the same
client-side cost.
"""
import asyncio
import os
import sys
import time

import slixmpp
from slixmpp.xmlstream import ET
from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_session import describe, percentile, start_session  # noqa: E402

MAM, RSM = "urn:xmpp:mam:2", "http://jabber.org/protocol/rsm"


class Person(slixmpp.ClientXMPP):
    """The independent client: joins rooms, posts, reads archives."""

    def __init__(self, jid, nick):
        super().__init__(jid, "bench-pass")
        self.nick = nick
        self.register_plugin("xep_0045")
        self["feature_mechanisms"].unencrypted_plain = True
        self.online = asyncio.Event()
        self.present = set()
        self.echo = {}
        self.archived = []
        self.add_event_handler("session_start", lambda _: self.online.set())
        self.add_event_handler("groupchat_message", self.on_message)
        self.register_handler(Callback("mam results", MatchXPath("{jabber:client}message/{%s}result" % MAM),
                                       self.on_archive_result))

    async def enter(self, room):
        await self.plugin["xep_0045"].join_muc_wait(room, self.nick, maxstanzas=0)
        self.add_event_handler("muc::%s::got_online" % room, lambda p: self.present.add(p["muc"]["nick"]))
        # We created the room: unlock it with the default configuration.
        iq = self.make_iq_set(ito=room)
        query = ET.Element("{http://jabber.org/protocol/muc#owner}query")
        ET.SubElement(query, "{jabber:x:data}x", {"type": "submit"})
        iq.append(query)
        await iq.send(timeout=5)

    def on_message(self, msg):
        t = time.monotonic_ns()
        body = msg["body"]
        if msg["mucnick"] == self.nick and body.startswith("T|"):
            self.echo[body.split("|")[1]] = t

    def on_archive_result(self, msg):
        result = msg.xml.find("{%s}result" % MAM)
        if result is not None:
            self.archived.append(result.get("id"))

    async def read_archive(self, room, after):
        """One MAM page of up to 100 after `after`; returns (ids, complete)."""
        first = len(self.archived)
        iq = self.make_iq_set(ito=room)
        query = ET.SubElement(iq.xml, "{%s}query" % MAM, {"queryid": "b%d" % first})
        rsm = ET.SubElement(query, "{%s}set" % RSM)
        ET.SubElement(rsm, "{%s}max" % RSM).text = "100"
        if after:
            ET.SubElement(rsm, "{%s}after" % RSM).text = after
        answer = await iq.send(timeout=60)
        fin = answer.xml.find("{%s}fin" % MAM)
        return self.archived[first:], fin is not None and fin.get("complete") in ("true", "1")


async def push(person, session, room, count, rate):
    sent = {}
    start = time.monotonic()
    for i in range(count):
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        key = str(i)
        sent[key] = time.monotonic_ns()
        person.send_message(mto=room, mbody="T|%s|%s" % (key, "x" * 180), mtype="groupchat")
    deadline = time.monotonic() + 10
    while (len(session.channel) < count or len(person.echo) < count) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    bridge = [(session.channel[k] - sent[k]) / 1e6 for k in sent if k in session.channel]
    floor = [(person.echo[k] - sent[k]) / 1e6 for k in sent if k in person.echo]
    print("push: %d posts at %d/s by an independent client (slixmpp %s)" % (count, rate, slixmpp.__version__))
    print(describe("  person's post -> channel event (parley)", bridge))
    print(describe("  floor: person's post -> its own echo", floor))
    if floor and bridge:
        print("  bridge cost, p50: %.3f ms (ratio %.2f)" % (percentile(bridge, .5) - percentile(floor, .5),
                                                          percentile(bridge, .5) / max(percentile(floor, .5), 1e-9)))


async def catch_up(person, session, topic, room, count):
    for i in range(count):
        person.send_message(mto=room, mbody="c%d %s" % (i, "x" * 180), mtype="groupchat")
        if i % 200 == 199:
            await asyncio.sleep(0.05)
    page = await session.call("parley_fetch_recent", {"topic": topic, "limit": 1})
    while not page["messages"] or not page["messages"][-1]["content"].startswith("c%d " % (count - 1)):
        await asyncio.sleep(0.2)
        page = await session.call("parley_fetch_recent", {"topic": topic, "limit": 1})
    t0, got, cursor = time.monotonic(), 0, ""
    while True:
        page = await session.call("parley_fetch_recent", {"topic": topic, "since": cursor, "limit": 100})
        if not page["messages"]:
            break
        got += len(page["messages"])
        cursor = page["nextCursor"]
    parley_s = time.monotonic() - t0
    t0, floor_got, after = time.monotonic(), 0, None
    while True:
        ids, complete = await person.read_archive(room, after)
        floor_got += len(ids)
        if complete or not ids:
            break
        after = ids[-1]
    floor_s = time.monotonic() - t0
    print("catch-up: %d messages in pages of 100" % count)
    print("  parley_fetch_recent by cursor (parley):      %8.0f msgs/s   %d in %.1f s" % (got / parley_s, got, parley_s))
    print("  floor: the person's own MAM paging:          %8.0f msgs/s   %d in %.1f s" % (floor_got / floor_s, floor_got,
                                                                                          floor_s))


async def main(parley_bin, count, rate, catchup):
    service = os.environ["PARLEY_XMPP_SERVICE"]
    host, port = service.replace("xmpp://", "").split(":")
    domain, muc = os.environ["PARLEY_XMPP_DOMAIN"], os.environ["PARLEY_XMPP_MUC"]
    push_topic, catchup_topic = "bench-push-%d" % os.getpid(), "bench-catchup-%d" % os.getpid()
    person = Person("person@" + domain, "person")
    person.enable_starttls = False
    person.enable_direct_tls = False
    person.connect((host, int(port)), use_ssl=False, disable_starttls=True)
    await person.online.wait()
    for topic in (push_topic, catchup_topic):
        await person.enter("%s@%s" % (topic, muc))
    session = await start_session(parley_bin, [push_topic, catchup_topic], ("xmpp", {
        "service": service, "domain": domain, "muc_service": muc, "username": "bench", "password": "bench-pass",
        "tls": False, "nick": "bench"}))
    while "bench" not in person.present:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    print("XMPP through a parley stdio session, beside an independent client (slixmpp)")
    print("  server: Prosody (scripts/test-services.sh: internal file storage, no fsync, MUC + MAM), loopback")
    print("  load before: %s" % LOAD_BEFORE)
    await push(person, session, "%s@%s" % (push_topic, muc), count, rate)
    if catchup > 0:
        await catch_up(person, session, catchup_topic, "%s@%s" % (catchup_topic, muc), catchup)
    session.proc.stdin.close()
    await asyncio.wait_for(session.proc.wait(), 10)
    person.disconnect()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    with open("/proc/loadavg") as f:
        LOAD_BEFORE = f.read().strip()
    args = [int(a) for a in sys.argv[2:]] + [1000, 100, 10000][len(sys.argv) - 2:]
    asyncio.get_event_loop().run_until_complete(main(sys.argv[1], *args[:3]))
