// What a user sees on Matrix: a person types in the room from an ordinary
// client (matrix-nio, an independent implementation); the message reaches a
// Claude Code session as a channel event with the person's MXID as sender;
// the session's parley_reply appears in the room as an m.in_reply_to reply.
// Runs against the fake homeserver of backends/matrix/fake (no homeserver
// is packaged for Debian 12).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scratch, connect, jsonLinesChild, startFake, chatConfig, repoPath, unlessBuilt } from './harness.mjs';

const FAKE = repoPath('backends/matrix/fake/fake_homeserver.py');
const HUMAN = repoPath('backends/matrix/testing/human_client.py');
const skip = unlessBuilt('matrix');

/** A person in the room `#<alias>`, played by human_client.py. */
async function person(hs, user, alias) {
  await fetch(`${hs.url}/_fake/users`, { method: 'POST', body: JSON.stringify({ user, password: 'pw' }) });
  const human = jsonLinesChild('/usr/bin/python3', [HUMAN, '--homeserver', hs.url, '--user', user,
    '--password', 'pw', '--alias', alias], { graceMs: 2000 });
  human.say = (body, replyTo) => human.send({ op: 'say', body, reply_to: replyTo });
  await human.waitFor((e) => e.event === 'joined');
  return human;
}

test('a person in a Matrix room and a session confer, with replies', { skip }, async () => {
  const { dir, cleanup } = scratch();
  const hs = await startFake(FAKE);
  const topic = `chat-${process.pid}`;
  const alice = await person(hs, 'alice', `parley_${topic}`);
  const s = await connect(chatConfig(dir, topic, 'matrix', { homeserver_url: hs.url, server_name: 'parley.local',
    user: 'parley', password: 'parleypass', sync_timeout_ms: 1000 }), { dir });
  try {
    await alice.waitFor((e) => e.event === 'online' && e.user === '@parley:parley.local', 15000);
    alice.say('hello @claude, can you check the build?');
    const heard = await alice.waitFor((e) => e.event === 'message' && e.sender === '@alice:parley.local');
    const got = await s.waitFor('notifications/claude/channel', 1,
      (n) => n.params.meta.sender === '@alice:parley.local', 10000);
    assert.equal(got.length, 1, s.stderr());
    const ev = got[0].params;
    assert.match(ev.content, /hello @claude, can you check the build\?/);
    assert.equal(ev.meta.msg_id, heard.event_id);

    const r = await s.call('parley_reply', { topic, content: 'on it', in_reply_to: ev.meta.msg_id });
    const answer = await alice.waitFor((e) => e.event === 'message' && e.sender === '@parley:parley.local');
    assert.equal(answer.body, 'on it');
    assert.equal(answer.reply_to, heard.event_id);
    assert.equal(answer.event_id, r.backendMsgId);

    const page = await s.call('parley_fetch_recent', { topic });
    const last = page.messages.slice(-2);
    assert.deepEqual(last.map((m) => m.senderHandle), ['@alice:parley.local', '@parley:parley.local']);
    assert.equal(last[1].inReplyTo, heard.event_id);
  } finally {
    await alice.quit();
    await s.close();
    hs.stop();
    cleanup();
  }
});
