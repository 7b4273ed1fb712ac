// What a user sees on XMPP: a person types in the room from an ordinary
// client (slixmpp, an independent implementation); the message reaches a
// Claude Code session as a channel event with the person as sender; the
// session's parley_reply appears in the room as a XEP-0461 reply to it.
// Runs against the Prosody of scripts/test-services.sh.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scratch, writeConfig, connect, sleep, jsonLinesChild, repoPath, unlessBuilt } from './harness.mjs';

const SERVICE = process.env.PARLEY_XMPP_SERVICE;
const MUC = process.env.PARLEY_XMPP_MUC;
const DOMAIN = process.env.PARLEY_XMPP_DOMAIN;
const HUMAN = repoPath('backends/xmpp/testing/human_client.py');
const skip = unlessBuilt('xmpp');

/** A person in `room`, played by human_client.py; resolves once joined. */
async function person(room, nick, { leaveLocked = false } = {}) {
  const [host, port] = SERVICE.replace('xmpp://', '').split(':');
  const human = jsonLinesChild('/usr/bin/python3', [HUMAN, '--host', host, '--port', port, '--jid',
    `${nick}@${DOMAIN}`, '--password', 'human-pass', '--room', room, '--nick', nick,
    ...(leaveLocked ? ['--leave-locked'] : [])]);
  human.say = (body, replyTo) => human.send({ op: 'say', body, reply_to: replyTo });
  human.raw = (xml) => human.send({ op: 'raw', xml });
  human.unlock = () => human.send({ op: 'unlock' });
  await human.waitFor((e) => e.event === 'joined');
  return human;
}

function sessionYaml(topic, nick) {
  return `identity:
  handle: ${nick}
topics: [${topic}]
live_push:
  enabled: true
backend: xmpp
backend_config:
  service: ${SERVICE}
  domain: ${DOMAIN}
  muc_service: ${MUC}
  username: ${nick}-account
  password: session-pass
  tls: false
  nick: ${nick}
`;
}

test('a person in the room and a session confer, with replies', { skip }, async () => {
  const { dir, cleanup } = scratch();
  const topic = `chat-${process.pid}-${Date.now() % 100000}`;
  const room = `${topic}@${MUC}`;
  const alice = await person(room, 'alice');
  const s = await connect(writeConfig(dir, 'claude.yaml', sessionYaml(topic, 'claude')), { dir });
  try {
    // The session is in the room once alice sees it enter.
    await alice.waitFor((e) => e.event === 'online' && e.nick === 'claude');
    alice.say('hello @claude, can you check the build?');
    const heard = await alice.waitFor((e) => e.event === 'message' && e.nick === 'alice');
    const got = await s.waitFor('notifications/claude/channel', 1, (n) => n.params.meta.sender === 'alice', 10000);
    assert.equal(got.length, 1, s.stderr());
    const ev = got[0].params;
    assert.match(ev.content, /hello @claude, can you check the build\?/);
    assert.equal(ev.meta.msg_id, heard.stanza_id);
    assert.equal(ev.meta.topic, topic);

    const r = await s.call('parley_reply', { topic, content: 'on it', in_reply_to: ev.meta.msg_id });
    const answer = await alice.waitFor((e) => e.event === 'message' && e.nick === 'claude');
    assert.equal(answer.body, 'on it');
    assert.equal(answer.reply_to, heard.stanza_id);
    assert.equal(answer.stanza_id, r.backendMsgId);

    // Catch-up reads the same thread from the room's archive.
    const page = await s.call('parley_fetch_recent', { topic });
    const last = page.messages.slice(-2);
    assert.deepEqual(last.map((m) => m.senderHandle), ['alice', 'claude']);
    assert.equal(last[1].inReplyTo, heard.stanza_id);

    // The session is not shown its own reply.
    await sleep(300);
    assert.equal(s.channel().filter((n) => n.params.meta.sender === 'claude').length, 0);
  } finally {
    await alice.quit();
    await s.close();
    cleanup();
  }
});

test('a long message, and stanzas without a body, lose nothing', { skip }, async () => {
  const { dir, cleanup } = scratch();
  const topic = `chat-big-${process.pid}-${Date.now() % 100000}`;
  const room = `${topic}@${MUC}`;
  const bob = await person(room, 'bob');
  const s = await connect(writeConfig(dir, 'claude.yaml', sessionYaml(topic, 'claude2')), { dir });
  try {
    await bob.waitFor((e) => e.event === 'online' && e.nick === 'claude2');
    const big = 'x'.repeat(64 * 1024);
    bob.say(big);
    // A chat state notification (no body) in the room, then a plain message.
    bob.raw(`<message type="groupchat" to="${room}"><active xmlns="http://jabber.org/protocol/chatstates"/></message>`);
    bob.say('after the big one');
    const got = await s.waitFor('notifications/claude/channel', 2, (n) => n.params.meta.sender === 'bob', 10000);
    assert.equal(got.length, 2, s.stderr());
    assert.ok(got[0].params.content.includes(big));
    assert.match(got[1].params.content, /after the big one/);
  } finally {
    await bob.quit();
    await s.close();
    cleanup();
  }
});

test('a room that cannot be entered at start is retried until it can', { skip }, async () => {
  const { dir, cleanup } = scratch();
  const topic = `chat-late-${process.pid}-${Date.now() % 100000}`;
  const room = `${topic}@${MUC}`;
  // carol creates the room and leaves it locked: nobody else may enter yet.
  const carol = await person(room, 'carol', { leaveLocked: true });
  const s = await connect(writeConfig(dir, 'claude.yaml', sessionYaml(topic, 'claude3')), { dir });
  try {
    const deadline = Date.now() + 15000;
    while (!/live push is down/.test(s.stderr()) && Date.now() < deadline) await sleep(50);
    assert.match(s.stderr(), /live push is down: could not enter room .*item-not-found.*trying again/);
    carol.unlock();
    await carol.waitFor((e) => e.event === 'online' && e.nick === 'claude3', 20000);
    carol.say('there you are');
    const got = await s.waitFor('notifications/claude/channel', 1, (n) => n.params.meta.sender === 'carol', 10000);
    const history = await s.call('parley_fetch_recent', { topic });
    assert.equal(got.length, 1, `${s.stderr()}\ncarol: ${JSON.stringify(carol.events)} ${carol.stderr()}\nhistory: ${JSON.stringify(history)}`);
    assert.match(s.stderr(), /live push is up/);
  } finally {
    await carol.quit();
    await s.close();
    cleanup();
  }
});
