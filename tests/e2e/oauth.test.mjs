// The OAuth front door end to end (docs/features.md, "Owners and the OAuth front door"): the
// official MCP SDK client runs the whole authorization flow headlessly for two owners at once, then
// works, refreshes its token and stays inside its owner's world.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scratch, sleep } from './harness.mjs';
import { startOAuthGateway, connectAs } from './oauth_harness.mjs';

test('two owners connect with the SDK OAuth flow, work, refresh, and never see each other', async () => {
  const { dir, cleanup } = scratch();
  const gw = await startOAuthGateway(dir, { accessTtl: 2 });
  try {
    const [alice, bob] = await Promise.all([connectAs(gw, 'alice'), connectAs(gw, 'bob')]);

    // state is echoed and the code came back to the registered redirect URI.
    for (const s of [alice, bob]) {
      assert.equal(s.location.origin + s.location.pathname, 'http://127.0.0.1:1/callback');
      assert.equal(s.location.searchParams.get('state'), s.provider.state());
      assert.equal(s.provider.tokens().token_type.toLowerCase(), 'bearer');
      assert.ok(s.provider.tokens().refresh_token);
    }

    // Each owner sees their own topic names, without a namespace.
    const { tools } = await alice.client.listTools();
    const post = tools.find((t) => t.name === 'parley_post');
    assert.deepEqual(post.inputSchema.properties.topic.enum, ['general', 'alice-only']);

    const a = await alice.call('parley_post', { topic: 'general', content: 'alice says hi' });
    const b = await bob.call('parley_post', { topic: 'general', content: 'bob says hi' });
    assert.ok(a.backendMsgId && b.backendMsgId);
    const aliceView = await alice.call('parley_fetch_recent', { topic: 'general' });
    const bobView = await bob.call('parley_fetch_recent', { topic: 'general' });
    assert.deepEqual(aliceView.messages.map((m) => m.content), ['alice says hi']);
    assert.deepEqual(bobView.messages.map((m) => m.content), ['bob says hi']);
    assert.equal(aliceView.messages[0].topic, 'general', 'the namespace never reaches the client');

    // A topic of the other owner cannot be named at all.
    for (const topic of ['bob.general', 'alice-only']) {
      const r = await bob.client.callTool({ name: 'parley_fetch_recent', arguments: { topic } });
      assert.equal(r.isError, true, `bob cannot read ${topic}`);
      const w = await bob.client.callTool({ name: 'parley_post', arguments: { topic, content: 'x' } });
      assert.equal(w.isError, true, `bob cannot post to ${topic}`);
    }

    // Presence is per owner too.
    await sleep(300);
    const users = await alice.call('parley_list_users', {});
    assert.ok(users.users.every((u) => u.handle !== 'bob'), 'bob is not in alice\'s roster');

    // The access token expires (2 s); the SDK refreshes and retries on its own.
    const before = alice.provider.tokens();
    await sleep(2500);
    const again = await alice.call('parley_fetch_recent', { topic: 'general' });
    assert.equal(again.messages.length, 1);
    const after = alice.provider.tokens();
    assert.notEqual(after.access_token, before.access_token, 'a new access token');
    assert.notEqual(after.refresh_token, before.refresh_token, 'refresh tokens rotate');

    await alice.client.close();
    await bob.client.close();
  } finally {
    assert.equal(await gw.stop(), 0);
    cleanup();
  }
});

test('grants survive a restart of the gateway', async () => {
  const { dir, cleanup } = scratch();
  let gw = await startOAuthGateway(dir);
  try {
    const alice = await connectAs(gw, 'alice');
    const token = alice.provider.tokens().access_token;
    await alice.client.close();
    assert.equal(await gw.stop(), 0);
    gw = await startOAuthGateway(dir, { listen: new URL(gw.origin).host });
    const r = await fetch(gw.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
    });
    assert.equal(r.status, 200, 'the old token still works after the restart');
  } finally {
    await gw.stop();
    cleanup();
  }
});
