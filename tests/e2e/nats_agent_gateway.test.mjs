// Gateway mode of the NATS agents (docs/features.md, "NATS agents"): every HTTP session of a
// profile with `nats_agent: {enabled: true}` is its own agent, named by its handle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { connect as natsConnect, createInbox } from 'nats';
import { scratch, writeConfig, run, sleep, watchStderr, PARLEY_BIN } from './harness.mjs';
import { startOAuthGateway, connectAs } from './oauth_harness.mjs';

const NATS_URL = process.env.PARLEY_NATS_SERVERS;
const TOKEN = 'token-for-the-nats-agent-gateway-test';
const owner = `gw${process.pid}x${Date.now() % 100000}`;
const enc = new TextEncoder();
const dec = new TextDecoder();

async function startGateway(dir) {
  const hashA = (await run(['hash-token', TOKEN])).stdout.trim();
  const hashP = (await run(['hash-token', `${TOKEN}-plain`])).stdout.trim();
  const cfg = writeConfig(dir, 'gateway.yaml', `gateway:
  listen: 127.0.0.1:0
  tokens:
    - {sha256: ${hashA}, profile: agents}
    - {sha256: ${hashP}, profile: plain}
  profiles:
    agents:
      identity: {handle: web}
      topics: [ctx]
      nats_agent: {enabled: true}
    plain:
      identity: {handle: plain}
      topics: [ctx]
nats_agent:
  servers: ${NATS_URL}
  owner: ${owner}
backend_config:
  db_path: ${join(dir, 'parley.db')}
`);
  const p = spawn(PARLEY_BIN, ['serve', '--config', cfg], { env: { ...process.env, XDG_STATE_HOME: join(dir, 'state') } });
  const stderr = watchStderr(p.stderr);
  const exited = new Promise((resolve) => p.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 200 && !/listening on http:\/\/127\.0\.0\.1:(\d+)/.test(stderr()); i++) await sleep(20);
  const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr())[1]);
  return { p, url: `http://127.0.0.1:${port}/mcp`, exited, stderr };
}

async function httpSession(url, token) {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'agent-gw-e2e', version: '0.0.1' }, { capabilities: {} });
  const notifications = [];
  client.fallbackNotificationHandler = async (n) => { notifications.push(n); };
  await client.connect(transport);
  return { client, transport, notifications };
}

async function gatherInfo(nc, ms = 400) {
  const inbox = createInbox();
  const sub = nc.subscribe(inbox);
  const out = [];
  const done = (async () => { for await (const m of sub) if (m.data.length) out.push(JSON.parse(dec.decode(m.data))); })();
  nc.publish('$SRV.INFO.agents', enc.encode(''), { reply: inbox });
  await sleep(ms);
  sub.unsubscribe();
  await done;
  return out.filter((i) => i.metadata?.owner === owner);
}

test('each session of an opted-in profile is an agent named by its handle', async () => {
  assert.ok(NATS_URL, 'PARLEY_NATS_SERVERS must be set');
  const { dir, cleanup } = scratch();
  const nc = await natsConnect({ servers: NATS_URL });
  const gw = await startGateway(dir);
  try {
    const first = await httpSession(gw.url, TOKEN);
    const second = await httpSession(gw.url, TOKEN);
    const plain = await httpSession(gw.url, `${TOKEN}-plain`);
    let infos = [];
    for (let i = 0; i < 20 && infos.length < 2; i++) infos = await gatherInfo(nc);
    const names = infos.map((i) => i.metadata.session).sort();
    assert.deepEqual(names, ['web', 'web-2'], 'two agents, the second suffixed; the plain profile has none');
    const plainTools = (await plain.client.listTools()).tools.map((t) => t.name);
    assert.ok(!plainTools.includes('reply'));
    assert.ok((await first.client.listTools()).tools.some((t) => t.name === 'reply'));

    // Which HTTP session is `web`? Prompt it and see who gets the event.
    await sleep(300);  // the SSE streams open after initialization
    const inbox = createInbox();
    const sub = nc.subscribe(inbox);
    nc.publish(`agents.prompt.parley.${owner}.web`, enc.encode('hello gateway agent'), { reply: inbox });
    let target;
    for (let i = 0; i < 300 && !target; i++) {
      for (const s of [first, second])
        if (s.notifications.some((n) => n.params?.content === 'hello gateway agent')) target = s;
      await sleep(10);
    }
    assert.ok(target, 'the prompt reached one HTTP session as a channel event');
    const event = target.notifications.find((n) => n.params?.content === 'hello gateway agent');
    await target.client.callTool({ name: 'reply', arguments: { request_id: event.params.meta.request_id, text: 'hi back' } });
    const frames = [];
    for await (const m of sub) {
      frames.push(dec.decode(m.data));
      if (m.data.length === 0 && !m.headers) break;
    }
    assert.deepEqual(frames, ['{"type":"status","data":"ack"}', '{"type":"response","data":"hi back"}', '']);

    // An operator stops `web-2`: its HTTP session ends.
    const stopped = await nc.request(`agents.parley.${owner}`, enc.encode('{"sessionMode":"stop","sessionId":"web-2"}'), { timeout: 5000 });
    assert.deepEqual(JSON.parse(dec.decode(stopped.data)), { ok: true, sessionId: 'web-2' });
    const other = target === first ? second : first;
    let gone = false;
    for (let i = 0; i < 50 && !gone; i++) {
      try { await other.client.listTools(); await sleep(50); } catch { gone = true; }
    }
    assert.ok(gone, 'the stopped session is gone from the gateway');
    const list = JSON.parse(dec.decode((await nc.request(`agents.parley.${owner}`, enc.encode('{"sessionMode":"list"}'), { timeout: 5000 })).data));
    assert.deepEqual(list.sessions.map((s) => s.sessionId), ['web']);
    await first.client.close().catch(() => {});
    await plain.client.close().catch(() => {});
  } finally {
    gw.p.kill('SIGTERM');
    assert.equal(await gw.exited, 0);
    await nc.drain();
    cleanup();
  }
});

test('with owners, each owner\'s sessions are agents under that owner, with their own control plane', async () => {
  const { dir, cleanup } = scratch();
  const nc = await natsConnect({ servers: NATS_URL });
  const gw = await startOAuthGateway(dir, {
    profileExtra: ', nats_agent: {enabled: true}',
    extra: `nats_agent:\n  servers: ${NATS_URL}\n`,
  });
  try {
    const alice = await connectAs(gw, 'alice');
    const bob = await connectAs(gw, 'bob');
    const ask = async (owner) => JSON.parse(dec.decode((await nc.request(`agents.parley.${owner}`,
      enc.encode('{"sessionMode":"list"}'), { timeout: 5000 })).data));
    let a; let b;
    for (let i = 0; i < 30; i++) {
      a = await ask('alice').catch(() => ({ sessions: [] }));
      b = await ask('bob').catch(() => ({ sessions: [] }));
      if (a.sessions.length && b.sessions.length) break;
      await sleep(200);
    }
    assert.deepEqual(a.sessions.map((s) => [s.owner, s.handle, s.subject]), [['alice', 'alice', 'agents.prompt.parley.alice.alice']]);
    assert.deepEqual(b.sessions.map((s) => [s.owner, s.handle]), [['bob', 'bob']]);
    await alice.client.close();
    await bob.client.close();
  } finally {
    await gw.stop();
    await nc.drain();
    cleanup();
  }
});
