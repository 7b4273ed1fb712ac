// Live push between processes sharing one SQLite file, and catch-up after a
// restart: the Claude Code channel as two sessions experience it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scratch, sessionConfig, connect, sleep } from './harness.mjs';

const channelFrom = (s, sender) => s.channel().filter((n) => n.params.meta.sender === sender);

test('a post in one process arrives in the other as a channel event, not echoed to its author', async () => {
  const { dir, cleanup } = scratch();
  try {
    const a = await connect(sessionConfig(dir, 'claude-a'), { dir });
    const b = await connect(sessionConfig(dir, 'claude-b'), { dir });
    await sleep(200);  // both subscribed
    const { backendMsgId } = await a.call('parley_post', { topic: 'ctx', content: 'hi @claude-b, over to you' });
    const got = await b.waitFor('notifications/claude/channel', 1, (n) => n.params.meta.sender === 'claude-a');
    assert.equal(got.length, 1);
    const ev = got[0].params;
    assert.equal(ev.content, 'hi @claude-b, over to you');
    assert.deepEqual(ev.meta, { topic: 'ctx', sender: 'claude-a', cursor: backendMsgId, msg_id: backendMsgId, mentions: 'claude-b' });
    for (const k of Object.keys(ev.meta)) assert.match(k, /^[A-Za-z0-9_]+$/);
    // The reply threads back and reaches the first session, in order.
    const r = await b.call('parley_reply', { topic: 'ctx', content: 'on it', in_reply_to: ev.meta.msg_id });
    const back = await a.waitFor('notifications/claude/channel', 1, (n) => n.params.meta.sender === 'claude-b');
    assert.equal(back.length, 1);
    assert.equal(back[0].params.meta.in_reply_to, backendMsgId);
    assert.equal(back[0].params.meta.msg_id, r.backendMsgId);
    await sleep(200);
    assert.equal(channelFrom(a, 'claude-a').length, 0, 'own posts are not pushed back');
    assert.equal(channelFrom(b, 'claude-b').length, 0, 'own posts are not pushed back');
    assert.equal(channelFrom(b, 'claude-a').length, 1, 'no duplicates');
    await a.close();
    await b.close();
  } finally { cleanup(); }
});

test('many posts arrive in cursor order, each once', async () => {
  const { dir, cleanup } = scratch();
  try {
    const a = await connect(sessionConfig(dir, 'claude-a'), { dir });
    const b = await connect(sessionConfig(dir, 'claude-b'), { dir });
    await sleep(200);
    const ids = [];
    for (let i = 0; i < 50; i++) ids.push((await a.call('parley_post', { topic: 'ctx', content: `m${i}` })).backendMsgId);
    const got = await b.waitFor('notifications/claude/channel', 50, (n) => n.params.meta.sender === 'claude-a');
    await sleep(200);
    const all = channelFrom(b, 'claude-a').map((n) => n.params.meta.msg_id);
    assert.deepEqual(all, ids);
    assert.equal(got.length, 50);
    await a.close();
    await b.close();
  } finally { cleanup(); }
});

test('a restarted session is pushed exactly what it missed, once', async () => {
  const { dir, cleanup } = scratch();
  try {
    const a = await connect(sessionConfig(dir, 'claude-a'), { dir });
    let b = await connect(sessionConfig(dir, 'claude-b'), { dir });
    await sleep(200);
    await a.call('parley_post', { topic: 'ctx', content: 'before' });
    assert.equal((await b.waitFor('notifications/claude/channel', 1)).length, 1);
    await b.close();
    await sleep(300);
    const missed = [];
    for (const c of ['missed-1', 'missed-2', 'missed-3']) missed.push((await a.call('parley_post', { topic: 'ctx', content: c })).backendMsgId);
    b = await connect(sessionConfig(dir, 'claude-b'), { dir });
    const got = await b.waitFor('notifications/claude/channel', 3, (n) => n.params.meta.sender === 'claude-a');
    await sleep(300);
    const pushed = channelFrom(b, 'claude-a');
    assert.deepEqual(pushed.map((n) => n.params.content), ['missed-1', 'missed-2', 'missed-3']);
    assert.deepEqual(pushed.map((n) => n.params.meta.msg_id), missed);
    assert.equal(got.length, 3);
    // And live delivery continues after the catch-up.
    await a.call('parley_post', { topic: 'ctx', content: 'after' });
    const later = await b.waitFor('notifications/claude/channel', 4, (n) => n.params.meta.sender === 'claude-a');
    assert.equal(later.at(-1).params.content, 'after');
    await a.close();
    await b.close();
  } finally { cleanup(); }
});

test('a backlog beyond catchup.limit is announced, not flooded', async () => {
  const { dir, cleanup } = scratch();
  try {
    const a = await connect(sessionConfig(dir, 'claude-a'), { dir });
    const cfgB = sessionConfig(dir, 'claude-b', 'catchup:\n  limit: 2\n');
    let b = await connect(cfgB, { dir });
    await sleep(200);
    await b.close();
    await sleep(200);
    for (let i = 0; i < 5; i++) await a.call('parley_post', { topic: 'ctx', content: `b${i}` });
    b = await connect(cfgB, { dir });
    await b.waitFor('notifications/claude/channel', 3);
    await sleep(300);
    const events = b.channel();
    assert.deepEqual(events.slice(0, 2).map((n) => n.params.content), ['b0', 'b1']);
    const notice = events.find((n) => n.params.meta.kind === 'backlog');
    assert.ok(notice, 'a backlog notice');
    assert.equal(notice.params.meta.missed, '3');
    assert.equal(notice.params.meta.since, events[1].params.meta.cursor);
    assert.match(notice.params.content, /parley_fetch_recent/);
    await a.close();
    await b.close();
  } finally { cleanup(); }
});

test('mention_filter shows only messages that mention the session, others still count as read', async () => {
  const { dir, cleanup } = scratch();
  try {
    const c = await connect(sessionConfig(dir, 'claude-c', '', { livePush: '  mention_filter: true' }), { dir });
    const d = await connect(sessionConfig(dir, 'claude-d'), { dir });
    await sleep(200);
    await d.call('parley_post', { topic: 'ctx', content: 'nothing for c' });
    await d.call('parley_post', { topic: 'ctx', content: 'hey @claude-c' });
    await c.waitFor('notifications/claude/channel', 1);
    await sleep(200);
    assert.deepEqual(c.channel().map((n) => n.params.content), ['hey @claude-c']);
    await c.close();
    await d.close();
  } finally { cleanup(); }
});
