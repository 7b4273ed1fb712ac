#!/usr/bin/python3
"""A person in an XMPP room, played by slixmpp (an independent client).

Tests drive it over stdin/stdout with one JSON object per line:

  in:  {"op": "say", "body": "...", "reply_to": "<stanza-id>"}   (reply_to optional)
       {"op": "raw", "xml": "<message .../>"}                     (sent as is)
       {"op": "unlock"}                    (configure the room we created with --leave-locked)
       {"op": "quit"}
  out: {"event": "joined", "nick": "alice"}
       {"event": "online", "nick": ...}                           (someone entered the room)
       {"event": "message", "nick": ..., "body": ..., "stanza_id": ..., "reply_to": ..., "origin_id": ...}
       {"event": "sent", "origin_id": ...}
       {"event": "error", "text": ...}

  human_client.py --host 127.0.0.1 --port 5222 --jid alice@localhost --password x \
      --room team@conference.localhost --nick alice
"""
import argparse
import asyncio
import json
import sys
import uuid

import slixmpp
from slixmpp.xmlstream import ET

SID = "urn:xmpp:sid:0"
REPLY = "urn:xmpp:reply:0"


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class Human(slixmpp.ClientXMPP):
    def __init__(self, args):
        super().__init__(args.jid, args.password)
        self.args = args
        self.register_plugin("xep_0045")
        # The test server is on loopback without TLS and offers PLAIN only.
        self["feature_mechanisms"].unencrypted_plain = True
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("groupchat_message", self.on_groupchat)
        self.add_event_handler("muc::%s::got_online" % args.room, self.on_online)

    async def start(self, _event):
        await self.plugin["xep_0045"].join_muc_wait(self.args.room, self.args.nick, maxstanzas=0)
        if not self.args.leave_locked:
            await self.unlock_room()
        emit({"event": "joined", "nick": self.args.nick})
        # Keep a reference: asyncio holds tasks weakly, and a collected task
        # stops reading commands.
        self.commands = asyncio.get_event_loop().create_task(self.read_commands())

    async def unlock_room(self):
        """Accepts the default configuration if we created the room, as
        ordinary clients do: a new room stays locked (others get
        item-not-found) until its creator configures it."""
        iq = self.make_iq_set(ito=self.args.room)
        query = ET.Element("{http://jabber.org/protocol/muc#owner}query")
        ET.SubElement(query, "{jabber:x:data}x", {"type": "submit"})
        iq.append(query)
        try:
            await iq.send(timeout=5)
        except (slixmpp.exceptions.IqError, slixmpp.exceptions.IqTimeout):
            pass  # not ours to configure: someone else created it

    def on_online(self, presence):
        emit({"event": "online", "nick": presence["muc"]["nick"]})

    def on_groupchat(self, msg):
        xml = msg.xml
        stanza_id = ""
        for el in xml.findall("{%s}stanza-id" % SID):
            if el.get("by") == self.args.room:
                stanza_id = el.get("id", "")
        reply = xml.find("{%s}reply" % REPLY)
        origin = xml.find("{%s}origin-id" % SID)
        emit({
            "event": "message",
            "nick": msg["mucnick"],
            "body": msg["body"],
            "stanza_id": stanza_id,
            "reply_to": reply.get("id") if reply is not None else None,
            "origin_id": origin.get("id") if origin is not None else None,
        })

    def say(self, body, reply_to=None):
        msg = self.make_message(mto=self.args.room, mbody=body, mtype="groupchat")
        origin_id = "h-" + uuid.uuid4().hex
        msg["id"] = origin_id
        origin = ET.Element("{%s}origin-id" % SID, {"id": origin_id})
        msg.xml.append(origin)
        if reply_to:
            msg.xml.append(ET.Element("{%s}reply" % REPLY, {"id": reply_to}))
        msg.send()
        emit({"event": "sent", "origin_id": origin_id})

    async def read_commands(self):
        loop = asyncio.get_event_loop()
        reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while True:
            line = await reader.readline()
            if not line:
                break
            try:
                cmd = json.loads(line)
            except ValueError as e:
                emit({"event": "error", "text": str(e)})
                continue
            if cmd.get("op") == "say":
                self.say(cmd["body"], cmd.get("reply_to"))
            elif cmd.get("op") == "unlock":
                await self.unlock_room()
                emit({"event": "unlocked"})
            elif cmd.get("op") == "raw":
                self.send_raw(cmd["xml"])
            elif cmd.get("op") == "quit":
                break
        self.disconnect()


def main():
    p = argparse.ArgumentParser()
    for name in ("host", "jid", "password", "room", "nick"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--leave-locked", action="store_true",
                   help="do not configure a room we create (it stays locked until the unlock op)")
    args = p.parse_args()
    human = Human(args)
    # The test server speaks plain XMPP on loopback only.
    human.enable_starttls = False
    human.enable_direct_tls = False
    human.enable_plaintext = True
    human.connect((args.host, args.port), use_ssl=False, force_starttls=False, disable_starttls=True)
    human.loop.run_until_complete(human.disconnected)


if __name__ == "__main__":
    main()
