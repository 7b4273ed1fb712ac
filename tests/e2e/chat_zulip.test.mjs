// What a user sees on Zulip: a person writes in a stream topic; the message
// reaches a Claude Code session as a channel event with the person's email
// as sender; the session's parley_reply lands in the same topic. Then
// Zulip garbage-collects the session's event queue while the person keeps
// writing: each message is still heard once, in order. Runs against the
// fake of backends/zulip/fake (no Zulip server is packaged for Debian).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scratch, connect, startFake, untilHeard, chatConfig, repoPath, unlessBuilt } from './harness.mjs';

const FAKE = repoPath('backends/zulip/fake/fake_zulip.py');
const skip = unlessBuilt('zulip');

test('a person in a Zulip topic and a session confer, across an expired event queue', { skip }, async () => {
  const { dir, cleanup } = scratch();
  const fake = await startFake(FAKE);
  const topic = `chat-${process.pid}`;
  const s = await connect(chatConfig(dir, topic, 'zulip', { site_url: fake.url, email: 'parley-bot@localhost',
    api_key: 'parley-api-key', stream: 'parley' }), { dir });
  const say = (content) => fake.control('/_fake/post',
    { stream: 'parley', topic, content, sender_email: 'alice@example.com' });
  try {
    await untilHeard((i) => say(`warm-up ${i}`), s);
    const asked = await say('hello @claude, can you check the build?');
    const got = await s.waitFor('notifications/claude/channel', 1,
      (n) => /check the build/.test(n.params.content), 10000);
    assert.equal(got.length, 1, s.stderr());
    const ev = got[0].params;
    assert.equal(ev.meta.sender, 'alice@example.com');
    assert.equal(ev.meta.msg_id, String(asked.id));

    const r = await s.call('parley_reply', { topic, content: 'on it', in_reply_to: ev.meta.msg_id });
    const { messages } = await fake.control(`/_fake/messages?stream=parley&topic=${encodeURIComponent(topic)}`);
    const answer = messages.find((m) => String(m.id) === r.backendMsgId);
    assert.ok(answer, JSON.stringify(messages.slice(-3)));
    assert.equal(answer.content, 'on it');
    assert.equal(answer.subject, topic);
    assert.equal(answer.sender_email, 'parley-bot@localhost');

    // Zulip drops the queue; the person goes on writing.
    const { expired } = await fake.control('/_fake/expire_queues', {});
    assert.ok(expired >= 1);
    const sent = [];
    for (let i = 0; i < 20; ++i) sent.push(String((await say(`after the expiry ${i}`)).id));
    const heard = await s.waitFor('notifications/claude/channel', 20,
      (n) => /after the expiry/.test(n.params.content), 15000);
    assert.deepEqual(heard.map((n) => n.params.meta.msg_id), sent, s.stderr());
  } finally {
    await s.close();
    fake.stop();
    cleanup();
  }
});
