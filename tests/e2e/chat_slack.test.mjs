// What a user sees on Slack: a person writes in the channel; the message
// reaches a Claude Code session as a channel event with the person's user id
// as sender; the session's parley_reply appears in the channel as a thread
// reply under it, shown with the session's handle. Runs against the fake of
// backends/slack/fake (Slack is hosted only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scratch, connect, startFake, untilHeard, chatConfig, repoPath, unlessBuilt } from './harness.mjs';

const FAKE = repoPath('backends/slack/fake/fake_slack.py');
const skip = unlessBuilt('slack');

test('a person in a Slack channel and a session confer, in a thread', { skip }, async () => {
  const { dir, cleanup } = scratch();
  const fake = await startFake(FAKE);
  const topic = `chat-${process.pid}`;
  const channel = 'CE2ESLACK';
  const s = await connect(chatConfig(dir, topic, 'slack', { bot_token: 'xoxb-fake-customize', app_token: 'xapp-fake',
    api_url: `${fake.url}/api`, channel_map: { [topic]: channel } }), { dir });
  try {
    await untilHeard((i) => fake.control('/_fake/post', { channel, text: `warm-up ${i}`, user: 'U0HUMAN' }), s);
    const asked = await fake.control('/_fake/post', { channel, text: 'hello @claude, can you check the build?',
      user: 'U0HUMAN' });
    const got = await s.waitFor('notifications/claude/channel', 1,
      (n) => /check the build/.test(n.params.content), 10000);
    assert.equal(got.length, 1, s.stderr());
    const ev = got[0].params;
    assert.equal(ev.meta.sender, 'U0HUMAN');
    assert.equal(ev.meta.msg_id, asked.ts);

    const r = await s.call('parley_reply', { topic, content: 'on it', in_reply_to: ev.meta.msg_id });
    const { messages } = await fake.control(`/_fake/channels/${channel}`);
    const answer = messages.find((m) => m.ts === r.backendMsgId);
    assert.ok(answer, JSON.stringify(messages.slice(-3)));
    assert.equal(answer.thread_ts, asked.ts);
    assert.equal(answer.text, 'on it');
    assert.equal(answer.username, 'claude');

    // The person answers in the thread; the session hears it as a reply.
    await fake.control('/_fake/post', { channel, text: 'thanks', user: 'U0HUMAN', thread_ts: asked.ts });
    const thanks = await s.waitFor('notifications/claude/channel', 1, (n) => n.params.content.includes('thanks'),
      10000);
    assert.equal(thanks.length, 1, s.stderr());
  } finally {
    await s.close();
    fake.stop();
    cleanup();
  }
});
