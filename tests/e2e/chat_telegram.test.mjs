// What a user sees on Telegram: a person writes in a group (here a forum
// topic of a supergroup); the message reaches a Claude Code session as a
// channel event with the person's username as sender; the session's
// parley_reply appears in the same forum topic as a reply to it. Then the
// session is killed with SIGKILL while the person keeps writing: the next
// session hears each missed message once. Runs against the fake of
// backends/telegram/fake (Telegram's Bot API is hosted only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scratch, connect, startFake, untilHeard, chatConfig, repoPath, unlessBuilt } from './harness.mjs';

const FAKE = repoPath('backends/telegram/fake/fake_telegram.py');
const skip = unlessBuilt('telegram');

const CHAT = -1001234;
const THREAD = 77;
const ALICE = { id: 4242, username: 'alice', first_name: 'Alice' };

test('a person in a Telegram forum topic and a session confer, and a killed session misses nothing',
  { skip }, async () => {
    const { dir, cleanup } = scratch();
    const fake = await startFake(FAKE);
    await fake.control('/_fake/chat', { chat_id: CHAT, type: 'supergroup', title: 'e2e', is_forum: true });
    const topic = `chat-${process.pid}`;
    const config = chatConfig(dir, topic, 'telegram', { token: '123456:TEST-TOKEN', api_url: fake.url,
      chat_map: { [topic]: `${CHAT}/${THREAD}` } });
    const say = (text, extra = {}) => fake.control('/_fake/post',
      { chat_id: CHAT, message_thread_id: THREAD, text, from: ALICE, ...extra });
    let s = await connect(config, { dir });
    try {
      await untilHeard((i) => say(`warm-up ${i}`), s);
      const asked = await say('hello @claude, can you check the build?');
      const got = await s.waitFor('notifications/claude/channel', 1,
        (n) => /check the build/.test(n.params.content), 10000);
      assert.equal(got.length, 1, s.stderr());
      const ev = got[0].params;
      assert.equal(ev.meta.sender, 'alice');
      assert.equal(ev.meta.msg_id, `${CHAT}:${asked.message_id}`);

      const r = await s.call('parley_reply', { topic, content: 'on it', in_reply_to: ev.meta.msg_id });
      const { messages } = await fake.control(`/_fake/chats/${CHAT}`);
      const answer = messages.find((m) => `${CHAT}:${m.message_id}` === r.backendMsgId);
      assert.ok(answer, JSON.stringify(messages.slice(-3)));
      assert.equal(answer.text, 'on it');
      assert.equal(answer.message_thread_id, THREAD);
      assert.equal(answer.reply_to_message?.message_id, asked.message_id);

      // The bot never receives its own sends, yet the reply is in the history.
      const page = await s.call('parley_fetch_recent', { topic, limit: 2 });
      assert.deepEqual(page.messages.map((m) => m.backendMsgId), [ev.meta.msg_id, r.backendMsgId]);

      // Killed mid-conversation (after its read cursor, saved within 250 ms
      // of a delivery, is on disk); the person writes on meanwhile.
      await new Promise((r) => setTimeout(r, 600));
      await s.kill('SIGKILL');
      const missed = [];
      for (let i = 0; i < 5; ++i) missed.push(await say(`while you were away ${i}`));
      s = await connect(config, { dir });
      const heard = await s.waitFor('notifications/claude/channel', 5,
        (n) => /while you were away/.test(n.params.content), 15000);
      assert.deepEqual(heard.map((n) => n.params.meta.msg_id), missed.map((m) => `${CHAT}:${m.message_id}`),
        s.stderr());
      const more = await s.waitFor('notifications/claude/channel', 6,
        (n) => /while you were away|check the build/.test(n.params.content), 1500);
      assert.equal(more.length, 5, 'a message was heard twice');
    } finally {
      await s.close();
      fake.stop();
      cleanup();
    }
  });
