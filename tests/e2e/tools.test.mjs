// The four tools over stdio, as the MCP SDK client sees them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scratch, sessionConfig, connect, writeConfig } from './harness.mjs';
import { join } from 'node:path';

test('tools/list: the four tools, the topic enum for a closed allowlist', async () => {
  const { dir, cleanup } = scratch();
  try {
    const s = await connect(sessionConfig(dir, 'claude-a'), { dir });
    const { tools } = await s.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(),
      ['parley_fetch_recent', 'parley_list_users', 'parley_post', 'parley_reply']);
    const post = tools.find((t) => t.name === 'parley_post');
    assert.deepEqual(post.inputSchema.properties.topic.enum, ['ctx']);
    assert.deepEqual(post.inputSchema.required, ['topic', 'content']);
    assert.match(post.description, /Configured topics: "ctx"\./);
    const reply = tools.find((t) => t.name === 'parley_reply');
    assert.equal(reply.inputSchema.properties.topic.enum, undefined);
    const caps = s.client.getServerCapabilities();
    assert.deepEqual(caps.experimental['claude/channel'], {});
    assert.equal(caps.experimental['claude/channel/permission'], undefined);
    assert.equal(s.client.getServerVersion().name, 'parley');
    assert.match(s.client.getInstructions(), /parley_reply/);
    await s.close();
  } finally { cleanup(); }
});

test('post, fetch and reply with in_reply_to', async () => {
  const { dir, cleanup } = scratch();
  try {
    const s = await connect(sessionConfig(dir, 'claude-a'), { dir });
    const first = await s.call('parley_post', { topic: 'ctx', content: 'plan ready @claude-b' });
    assert.match(first.backendMsgId, /^\d+$/);
    const page = await s.call('parley_fetch_recent', { topic: 'ctx' });
    const mine = page.messages.filter((m) => m.content === 'plan ready @claude-b');
    assert.equal(mine.length, 1);
    assert.deepEqual(Object.keys(mine[0]).slice(0, 7),
      ['topic', 'senderHandle', 'content', 'timestamp', 'backendMsgId', 'cursor', 'mentions']);
    assert.equal(mine[0].senderHandle, 'claude-a');
    assert.deepEqual(mine[0].mentions, ['claude-b']);
    assert.equal(mine[0].backendMsgId, first.backendMsgId);
    const reply = await s.call('parley_reply', { topic: 'ctx', content: 'thanks', in_reply_to: first.backendMsgId });
    const after = await s.call('parley_fetch_recent', { topic: 'ctx', since: page.nextCursor });
    assert.equal(after.messages.length, 1);
    assert.equal(after.messages[0].backendMsgId, reply.backendMsgId);
    assert.equal(after.messages[0].inReplyTo, first.backendMsgId);
    assert.equal(after.nextCursor, reply.backendMsgId);
    await s.close();
  } finally { cleanup(); }
});

test('errors are tool results the model can read', async () => {
  const { dir, cleanup } = scratch();
  try {
    const s = await connect(sessionConfig(dir, 'claude-a'), { dir });
    let r = await s.raw('parley_post', { topic: 'elsewhere', content: 'x' });
    assert.equal(r.isError, true);
    assert.equal(r.content[0].text, 'topic not allowed: "elsewhere"');
    r = await s.raw('parley_fetch_recent', { topic: 'parley-presence' });
    assert.equal(r.isError, true);
    r = await s.raw('parley_fetch_recent', { topic: 'ctx', since: 'not-a-cursor' });
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /malformed cursor 'not-a-cursor'/);
    r = await s.raw('no_such_tool', {});
    assert.equal(r.isError, true);
    assert.match(r.content[0].text, /no_such_tool not found/);
    await s.close();
  } finally { cleanup(); }
});

test('post_topics patterns allow posting and fetching, never the presence topic', async () => {
  const { dir, cleanup } = scratch();
  try {
    const cfg = writeConfig(dir, 'p.yaml', `identity: {handle: claude-a}
topics: [ctx]
post_topics: ["ctx-.*", ".*"]
backend_config: {db_path: ${join(dir, 'parley.db')}}
`);
    const s = await connect(cfg, { dir });
    const { tools } = await s.client.listTools();
    assert.equal(tools.find((t) => t.name === 'parley_post').inputSchema.properties.topic.enum, undefined);
    await s.call('parley_post', { topic: 'ctx-reviews', content: 'by pattern' });
    const p = await s.call('parley_fetch_recent', { topic: 'ctx-reviews' });
    assert.deepEqual(p.messages.map((m) => m.content), ['by pattern']);
    const r = await s.raw('parley_post', { topic: 'parley-presence', content: 'spoof' });
    assert.equal(r.isError, true);
    assert.equal(r.content[0].text, 'topic not allowed: "parley-presence"');
    await s.close();
  } finally { cleanup(); }
});

test('block_ms long-poll wakes on a post and times out with a stable cursor', async () => {
  const { dir, cleanup } = scratch();
  try {
    const a = await connect(sessionConfig(dir, 'claude-a'), { dir });
    const b = await connect(sessionConfig(dir, 'claude-b'), { dir });
    const tail = (await a.call('parley_fetch_recent', { topic: 'ctx' })).nextCursor;
    const started = Date.now();
    const waiting = a.call('parley_fetch_recent', { topic: 'ctx', since: tail, block_ms: 5000 });
    setTimeout(() => b.call('parley_post', { topic: 'ctx', content: 'wake up' }), 150);
    const woke = await waiting;
    assert.deepEqual(woke.messages.map((m) => m.content), ['wake up']);
    assert.ok(Date.now() - started < 4000, 'answered well before the budget');
    const t0 = Date.now();
    const empty = await a.call('parley_fetch_recent', { topic: 'ctx', since: woke.nextCursor, block_ms: 300 });
    assert.deepEqual(empty.messages, []);
    assert.equal(empty.nextCursor, woke.nextCursor);
    assert.ok(Date.now() - t0 >= 250);
    await a.close();
    await b.close();
  } finally { cleanup(); }
});
