// The gateway: many MCP sessions over Streamable HTTP in one process, driven
// by the official SDK's StreamableHTTPClientTransport.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { scratch, writeConfig, sessionConfig, connect, run, sleep, watchStderr, PARLEY_BIN } from './harness.mjs';

const TOKEN_A = 'token-for-web-session-a-0123456789';
const TOKEN_B = 'token-for-web-session-b-0123456789';

async function startGateway(dir) {
  const hashA = (await run(['hash-token', TOKEN_A])).stdout.trim();
  const hashB = (await run(['hash-token', TOKEN_B])).stdout.trim();
  const cfg = writeConfig(dir, 'gateway.yaml', `gateway:
  listen: 127.0.0.1:0
  profiles:
    web-a:
      identity: {handle: web-a}
      topics: [ctx]
    web-b:
      identity: {handle: web-b}
      topics: [ctx]
      live_push: {mention_filter: false}
  tokens:
    - {sha256: ${hashA}, profile: web-a}
    - {sha256: ${hashB}, profile: web-b}
backend_config:
  db_path: ${join(dir, 'parley.db')}
`);
  const p = spawn(PARLEY_BIN, ['serve', '--config', cfg], { env: { ...process.env, XDG_STATE_HOME: join(dir, 'state') } });
  const stderr = watchStderr(p.stderr);
  const exited = new Promise((resolve) => p.on('exit', (code, signal) => resolve({ code, signal })));
  for (let i = 0; i < 200 && !/listening on http:\/\/127\.0\.0\.1:(\d+)/.test(stderr()); i++) await sleep(20);
  const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr())[1]);
  return { p, port, url: `http://127.0.0.1:${port}/mcp`, exited, stderr };
}

async function httpClient(url, token) {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  const client = new Client({ name: 'gateway-e2e', version: '0.0.1' }, { capabilities: {} });
  const notifications = [];
  client.fallbackNotificationHandler = async (n) => { notifications.push(n); };
  await client.connect(transport);
  const call = async (name, args) => {
    const r = await client.callTool({ name, arguments: args });
    if (r.isError) throw new Error(r.content[0].text);
    return JSON.parse(r.content[0].text);
  };
  const waitFor = async (n, ms = 5000) => {
    for (let t = 0; t < ms; t += 10) {
      const got = notifications.filter((x) => x.method === 'notifications/claude/channel');
      if (got.length >= n) return got;
      await sleep(10);
    }
    return notifications.filter((x) => x.method === 'notifications/claude/channel');
  };
  return { client, transport, call, waitFor, notifications };
}

test('two HTTP sessions in one gateway talk, and a stdio session joins them', async () => {
  const { dir, cleanup } = scratch();
  const gw = await startGateway(dir);
  try {
    const a = await httpClient(gw.url, TOKEN_A);
    const b = await httpClient(gw.url, TOKEN_B);
    assert.ok(a.transport.sessionId && b.transport.sessionId && a.transport.sessionId !== b.transport.sessionId);
    const { tools } = await a.client.listTools();
    assert.equal(tools.length, 4);
    await sleep(300);
    const { backendMsgId } = await a.call('parley_post', { topic: 'ctx', content: 'hello from web-a @web-b' });
    const got = await b.waitFor(1);
    assert.equal(got.length, 1);
    assert.equal(got[0].params.content, 'hello from web-a @web-b');
    assert.equal(got[0].params.meta.msg_id, backendMsgId);
    assert.equal(got[0].params.meta.sender, 'web-a');
    // A stdio session on the same database sees it and answers into the gateway.
    const s = await connect(sessionConfig(dir, 'claude-cli'), { dir });
    await sleep(300);
    await s.call('parley_reply', { topic: 'ctx', content: 'cli here', in_reply_to: backendMsgId });
    const back = await a.waitFor(1);
    assert.equal(back[0].params.content, 'cli here');
    assert.equal(back[0].params.meta.in_reply_to, backendMsgId);
    const metrics = await (await fetch(`http://127.0.0.1:${gw.port}/metrics`)).text();
    assert.match(metrics, /parley_tool_calls_total\{tool="parley_post",outcome="ok"\} 1/);
    assert.match(metrics, /parley_deliveries_total [1-9]/);
    assert.match(metrics, /parley_push_latency_ms_count [1-9]/);
    assert.match(metrics, /parley_backend_up 1/);
    const health = await (await fetch(`http://127.0.0.1:${gw.port}/healthz`)).json();
    assert.equal(health.status, 'ok');
    assert.equal(health.backend.state, 'connected');
    assert.equal(health.sessions, 2);
    const roster = await b.call('parley_list_users', {});
    const handles = roster.users.map((u) => u.handle).sort();
    assert.deepEqual(handles, ['claude-cli', 'web-a', 'web-b']);
    await s.close();
    await a.transport.terminateSession();
    await b.transport.terminateSession();
    await a.client.close();
    await b.client.close();
  } finally {
    gw.p.kill('SIGTERM');
    assert.deepEqual(await gw.exited, { code: 0, signal: null });
    cleanup();
  }
});

test('HTTP rules: no token 401, unknown session 404, foreign origin 403, DELETE ends a session', async () => {
  const { dir, cleanup } = scratch();
  const gw = await startGateway(dir);
  try {
    const base = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const init = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    let r = await fetch(gw.url, { method: 'POST', headers: base, body: init });
    assert.equal(r.status, 401);
    assert.match(r.headers.get('www-authenticate'), /^Bearer/);
    const auth = { ...base, authorization: `Bearer ${TOKEN_A}` };
    r = await fetch(gw.url, { method: 'POST', headers: { ...auth, origin: 'http://evil.example.com' }, body: init });
    assert.equal(r.status, 403);
    r = await fetch(gw.url, { method: 'POST', headers: { ...auth, 'mcp-session-id': 'nope' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
    assert.equal(r.status, 404);
    r = await fetch(gw.url, { method: 'POST', headers: auth, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
    assert.equal(r.status, 400);
    r = await fetch(gw.url, { method: 'POST', headers: auth, body: '{"jsonrpc": ' });
    assert.equal(r.status, 400);
    assert.equal((await r.json()).error.code, -32700);
    r = await fetch(gw.url, { method: 'POST', headers: { ...auth, accept: 'application/json' }, body: init });
    assert.equal(r.status, 406);
    r = await fetch(gw.url, { method: 'POST', headers: auth, body: init });
    assert.equal(r.status, 200);
    const sid = r.headers.get('mcp-session-id');
    assert.match(sid, /^[0-9a-f]{32}$/);
    // Another token cannot use this session.
    r = await fetch(gw.url, { method: 'POST', headers: { ...base, authorization: `Bearer ${TOKEN_B}`, 'mcp-session-id': sid }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }) });
    assert.equal(r.status, 404);
    r = await fetch(gw.url, { method: 'POST', headers: { ...auth, 'mcp-session-id': sid, 'mcp-protocol-version': '1999-01-01' }, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' }) });
    assert.equal(r.status, 400);
    r = await fetch(gw.url, { method: 'POST', headers: { ...auth, 'mcp-session-id': sid }, body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ping' }) });
    assert.equal(r.status, 200);
    assert.deepEqual((await r.json()).result, {});
    r = await fetch(gw.url, { method: 'DELETE', headers: { ...auth, 'mcp-session-id': sid } });
    assert.equal(r.status, 200);
    r = await fetch(gw.url, { method: 'POST', headers: { ...auth, 'mcp-session-id': sid }, body: JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'ping' }) });
    assert.equal(r.status, 404);
    r = await fetch(gw.url, { method: 'POST', headers: auth, body: 'x'.repeat(5 * 1024 * 1024) });
    assert.equal(r.status, 413);
    const metrics = await (await fetch(`http://127.0.0.1:${gw.port}/metrics`)).text();
    assert.match(metrics, /parley_sessions_created_total 1/);
    assert.match(metrics, /parley_auth_failures_total [1-9]/);
  } finally {
    gw.p.kill('SIGTERM');
    assert.deepEqual(await gw.exited, { code: 0, signal: null });
    cleanup();
  }
});

test('a plain config serves as profile `default`, reachable with PARLEY_DEV_TOKEN; a reconnect replays with Last-Event-ID', async () => {
  const { dir, cleanup } = scratch();
  const cfg = sessionConfig(dir, 'plain-user');
  const p = spawn(PARLEY_BIN, ['serve', '--config', cfg, '--listen', '127.0.0.1:0'],
    { env: { ...process.env, PARLEY_DEV_TOKEN: 'dev-token-for-the-e2e-suite', XDG_STATE_HOME: join(dir, 'state') } });
  const stderr = watchStderr(p.stderr);
  const exited = new Promise((resolve) => p.on('exit', (code, signal) => resolve({ code, signal })));
  try {
    for (let i = 0; i < 200 && !/listening on http:\/\/127\.0\.0\.1:(\d+)/.test(stderr()); i++) await sleep(20);
    const port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr())[1]);
    const url = `http://127.0.0.1:${port}/mcp`;
    const auth = { authorization: 'Bearer dev-token-for-the-e2e-suite' };
    const json = { ...auth, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    // A raw session that has no event stream open yet.
    let r = await fetch(url, { method: 'POST', headers: json, body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }) });
    assert.equal(r.status, 200);
    const sid = r.headers.get('mcp-session-id');
    r = await fetch(url, { method: 'POST', headers: { ...json, 'mcp-session-id': sid }, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
    assert.equal(r.status, 202);
    const poster = await httpClient(url, 'dev-token-for-the-e2e-suite');
    await sleep(300);
    await poster.call('parley_post', { topic: 'ctx', content: 'sent while nobody listened' });
    await sleep(300);
    // Reconnecting with Last-Event-ID 0 replays it.
    const ac = new AbortController();
    r = await fetch(url, { headers: { ...auth, accept: 'text/event-stream', 'mcp-session-id': sid, 'last-event-id': '0' }, signal: ac.signal });
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /text\/event-stream/);
    const reader = r.body.getReader();
    let text = '';
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && !text.includes('sent while nobody listened')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    assert.match(text, /id: \d+\nevent: message\ndata: \{"jsonrpc":"2.0","method":"notifications\/claude\/channel"/);
    assert.match(text, /sent while nobody listened/);
    // A second stream for the same session is refused.
    const second = await fetch(url, { headers: { ...auth, accept: 'text/event-stream', 'mcp-session-id': sid } });
    assert.equal(second.status, 409);
    ac.abort();
    await poster.client.close();
  } finally {
    p.kill('SIGTERM');
    assert.deepEqual(await exited, { code: 0, signal: null });
    cleanup();
  }
});

test('200 concurrent HTTP sessions on one topic each receive every message once, in order', async () => {
  const { dir, cleanup } = scratch();
  const gw = await startGateway(dir);
  try {
    const n = 200;
    const clients = [];
    for (let i = 0; i < n; i += 20) clients.push(...await Promise.all(Array.from({ length: 20 }, () => httpClient(gw.url, TOKEN_B))));
    const poster = await httpClient(gw.url, TOKEN_A);
    await sleep(1000);
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push((await poster.call('parley_post', { topic: 'ctx', content: `m${i}` })).backendMsgId);
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
      if (clients.every((c) => c.notifications.filter((x) => x.method === 'notifications/claude/channel').length >= 20)) break;
      await sleep(50);
    }
    await sleep(300);
    for (const c of clients) {
      const got = c.notifications.filter((x) => x.method === 'notifications/claude/channel').map((x) => x.params.meta.msg_id);
      assert.deepEqual(got, ids);
    }
    await Promise.all([...clients, poster].map((c) => c.client.close()));
  } finally {
    gw.p.kill('SIGTERM');
    await gw.exited;
    cleanup();
  }
});

test('an HTTP client that comes back with the same token is pushed what it missed', async () => {
  const { dir, cleanup } = scratch();
  const gw = await startGateway(dir);
  try {
    const poster = await httpClient(gw.url, TOKEN_A);
    let b = await httpClient(gw.url, TOKEN_B);
    await sleep(300);
    await poster.call('parley_post', { topic: 'ctx', content: 'seen live' });
    assert.equal((await b.waitFor(1))[0].params.content, 'seen live');
    await sleep(400);  // the read cursor is saved within 250 ms
    await b.transport.terminateSession();
    await b.client.close();
    for (const c of ['missed-1', 'missed-2']) await poster.call('parley_post', { topic: 'ctx', content: c });
    b = await httpClient(gw.url, TOKEN_B);
    const got = await b.waitFor(2);
    await sleep(300);
    const contents = b.notifications.filter((n) => n.method === 'notifications/claude/channel').map((n) => n.params.content);
    assert.deepEqual(contents, ['missed-1', 'missed-2']);
    assert.equal(got.length, 2);
    await b.client.close();
    await poster.client.close();
  } finally {
    gw.p.kill('SIGTERM');
    await gw.exited;
    cleanup();
  }
});
