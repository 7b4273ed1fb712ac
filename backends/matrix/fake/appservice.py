"""The application service side: its registration, who it may act as, and
the transactions the homeserver pushes to it.

Interesting events are those in rooms where a user of the appservice (its
sender or one matching namespaces.users) is joined, judged when the event
is created. They go out in order, batched, one transaction at a time; a
failed PUT is retried with the same txnId, backing off from 0.1 s to 2 s,
until the appservice answers 2xx.
"""

import asyncio
import json
import re

import aiohttp

from store import MatrixError

try:
    import yaml
except ImportError:  # JSON is a subset of YAML for our registration files
    yaml = None


def load_registration(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return yaml.safe_load(text) if yaml else json.loads(text)


class AppService:
    def __init__(self, reg, store, encode):
        self.reg = reg
        self.store = store
        self.encode = encode  # the homeserver's JSON encoder, raw-bytes events included
        self.sender = store.user_id(reg["sender_localpart"])
        self.user_regexes = [re.compile(ns["regex"]) for ns in reg.get("namespaces", {}).get("users", [])]
        # Synapse's default: an appservice is rate limited unless it says rate_limited: false.
        self.rate_limited = reg.get("rate_limited", True)
        self.pending = []  # events not yet in a transaction
        self.sent = []  # log of delivered transactions: {"txn_id", "events", "attempts"}
        self.next_txn = 1
        self.wake = asyncio.Event()
        self.task = None
        store.add_user(self.sender)

    def owns(self, user_id):
        return user_id == self.sender or any(r.fullmatch(user_id) for r in self.user_regexes)

    def acting_user(self, masquerade):
        """The user an as_token request acts as: ?user_id= if given, else the sender."""
        if masquerade is None:
            return self.sender
        if not self.owns(masquerade):
            raise MatrixError(403, "M_FORBIDDEN", "Application service cannot masquerade as this user")
        if masquerade not in self.store.passwords:
            raise MatrixError(403, "M_FORBIDDEN", "Application service has not registered this user")
        return masquerade

    def register(self, username):
        user_id = self.store.user_id(username)
        if not self.owns(user_id):
            raise MatrixError(400, "M_EXCLUSIVE", "User ID is not in the application service's namespace")
        if user_id in self.store.passwords:
            raise MatrixError(400, "M_USER_IN_USE", "User ID already taken")
        self.store.add_user(user_id)
        return user_id

    def on_event(self, ev):
        room = self.store.rooms[ev.room_id]
        if any(self.owns(m) for m in room.members) or self.owns(ev.sender):
            self.pending.append(ev)
            self.wake.set()

    def start(self):
        self.store.listeners.append(self.on_event)
        self.task = asyncio.get_running_loop().create_task(self._push_forever())

    async def stop(self):
        if self.task:
            self.task.cancel()
            try:
                await self.task
            except asyncio.CancelledError:
                pass

    async def _push_forever(self):
        async with aiohttp.ClientSession() as http:
            while True:
                await self.wake.wait()
                self.wake.clear()
                while self.pending:
                    batch, self.pending = self.pending[:100], self.pending[100:]
                    await self._deliver(http, batch)

    async def _deliver(self, http, batch):
        txn_id = str(self.next_txn)
        self.next_txn += 1
        url = f"{self.reg['url'].rstrip('/')}/_matrix/app/v1/transactions/{txn_id}"
        body = self.encode({"events": [e.to_json() for e in batch]})
        headers = {"Authorization": f"Bearer {self.reg['hs_token']}", "Content-Type": "application/json"}
        record = {"txn_id": txn_id, "events": [e.event_id for e in batch], "attempts": 0}
        delay = 0.1
        while True:
            record["attempts"] += 1
            try:
                async with http.put(url, data=body, headers=headers) as resp:
                    if 200 <= resp.status < 300:
                        self.sent.append(record)
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
