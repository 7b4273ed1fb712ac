// What a user sees on Discord: a person writes in the channel; the message
// reaches a Claude Code session as a channel event with the person's
// username as sender; the session's parley_reply appears in the channel as
// a reply to it. Runs against the fake of backends/discord/fake (Discord is
// hosted only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scratch, connect, startFake, untilHeard, chatConfig, repoPath, unlessBuilt } from './harness.mjs';

const FAKE = repoPath('backends/discord/fake/fake_discord.py');
const skip = unlessBuilt('discord');

test('a person in a Discord channel and a session confer, with replies', { skip }, async () => {
  const { dir, cleanup } = scratch();
  const fake = await startFake(FAKE);
  const topic = `chat-${process.pid}`;
  const channel = (await fake.control('/_fake/channels', { name: 'e2e' })).id;
  const s = await connect(chatConfig(dir, topic, 'discord', { token: 'test-token', api_url: `${fake.url}/api/v10`,
    channel_map: { [topic]: channel } }), { dir });
  try {
    await untilHeard((i) => fake.control(`/_fake/channels/${channel}/messages`, { username: 'alice', content: `warm-up ${i}` }), s);
    const asked = await fake.control(`/_fake/channels/${channel}/messages`,
      { username: 'alice', content: 'hello @claude, can you check the build?' });
    const got = await s.waitFor('notifications/claude/channel', 1,
      (n) => /check the build/.test(n.params.content), 10000);
    assert.equal(got.length, 1, s.stderr());
    const ev = got[0].params;
    assert.equal(ev.meta.sender, 'alice');
    assert.equal(ev.meta.msg_id, asked.id);

    const r = await s.call('parley_reply', { topic, content: 'on it', in_reply_to: ev.meta.msg_id });
    const res = await fetch(`${fake.url}/api/v10/channels/${channel}/messages?limit=5`,
      { headers: { authorization: 'Bot test-token' } });
    const answer = (await res.json()).find((m) => m.id === r.backendMsgId);
    assert.ok(answer);
    assert.equal(answer.content, 'on it');
    assert.equal(answer.message_reference?.message_id, asked.id);

    const page = await s.call('parley_fetch_recent', { topic, limit: 2 });
    assert.deepEqual(page.messages.map((m) => m.backendMsgId), [asked.id, r.backendMsgId]);
    assert.equal(page.messages[1].inReplyTo, asked.id);
  } finally {
    await s.close();
    fake.stop();
    cleanup();
  }
});
