// Presence: sessions see each other in parley_list_users, and a session
// that leaves says goodbye.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scratch, sessionConfig, connect, sleep } from './harness.mjs';

test('two sessions see each other; a closed one shows offline', async () => {
  const { dir, cleanup } = scratch();
  try {
    const a = await connect(sessionConfig(dir, 'claude-a'), { dir });
    const b = await connect(sessionConfig(dir, 'claude-b', 'post_topics: ["ctx-.*"]\n'), { dir });
    await sleep(300);
    let roster = await a.call('parley_list_users', {});
    const byHandle = Object.fromEntries(roster.users.map((u) => [u.handle, u]));
    assert.equal(byHandle['claude-a'].online, true);
    assert.equal(byHandle['claude-b'].online, true);
    assert.deepEqual(byHandle['claude-b'].topics, ['ctx']);
    assert.deepEqual(byHandle['claude-b'].postTopics, ['ctx-.*']);
    assert.equal(roster.truncated, false);
    assert.deepEqual((await a.call('parley_list_users', { filter: 'claude-??' })).users.length, 0);
    assert.deepEqual((await a.call('parley_list_users', { filter: 'claude-?' })).users.length, 2);
    assert.deepEqual((await a.call('parley_list_users', { filter: '*-b' })).users.map((u) => u.handle), ['claude-b']);
    assert.deepEqual((await a.call('parley_list_users', { limit: 1 })).users.length, 1);
    await b.close();
    await sleep(500);
    roster = await a.call('parley_list_users', {});
    const b2 = roster.users.find((u) => u.handle === 'claude-b');
    assert.equal(b2.online, false, 'goodbye marks it offline');
    assert.deepEqual((await a.call('parley_list_users', { online_only: true })).users.map((u) => u.handle), ['claude-a']);
    const r = await a.raw('parley_list_users', { topic: 'not-mine' });
    assert.equal(r.isError, true);
    await a.close();
  } finally { cleanup(); }
});
