// The stdio transport with a raw pipe: bad input gets a clear error and the
// process keeps serving; signals and end of input end it cleanly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { scratch, sessionConfig, connect, writeConfig, run, sleep, watchStderr, PARLEY_BIN } from './harness.mjs';

/** A parley process with line-level access to its stdout. */
function raw(configPath, dir) {
  const p = spawn(PARLEY_BIN, ['--config', configPath], {
    env: { ...process.env, XDG_STATE_HOME: join(dir, 'state') }, cwd: dir,
  });
  const lines = [];
  let buf = '';
  const stderr = watchStderr(p.stderr);
  p.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) { lines.push(buf.slice(0, i)); buf = buf.slice(i + 1); }
  });
  const exited = new Promise((resolve) => p.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    p, lines, exited, stderr,
    send: (text) => p.stdin.write(text),
    async next(pred = () => true, ms = 5000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const i = lines.findIndex((l) => pred(JSON.parse(l)));
        if (i >= 0) return JSON.parse(lines.splice(i, 1)[0]);
        if (Date.now() > deadline) throw new Error('no matching line; got: ' + lines.join('\n'));
        await sleep(5);
      }
    },
  };
}

const init = '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}\n';
const ping = (id) => `{"jsonrpc":"2.0","id":${id},"method":"ping"}\n`;

test('malformed, invalid UTF-8, oversized and batched input get errors; the server keeps serving', async () => {
  const { dir, cleanup } = scratch();
  try {
    const s = raw(sessionConfig(dir, 'claude-a', 'stdio:\n  max_line_bytes: 4096\n'), dir);
    s.send(init);
    assert.equal((await s.next((m) => m.id === 0)).result.protocolVersion, '2025-11-25');
    s.send('{"jsonrpc": "2.0", "id": 1, "method": \n');
    let e = await s.next((m) => m.error?.code === -32700);
    assert.equal(e.id, null);
    s.send(ping(2));
    assert.deepEqual((await s.next((m) => m.id === 2)).result, {});

    s.send(Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":3,"method":"ping","params":{"x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}\n')]));
    e = await s.next((m) => m.error?.code === -32700);
    assert.match(e.error.message, /invalid UTF-8/);

    s.send('{"jsonrpc":"2.0","id":4,"method":"ping","params":{"pad":"' + 'x'.repeat(20000) + '"}}\n');
    e = await s.next((m) => m.error?.code === -32600);
    assert.match(e.error.message, /Request too large: \d+ bytes exceeds the limit of 4096 bytes/);
    s.send(ping(5));
    assert.deepEqual((await s.next((m) => m.id === 5)).result, {});

    s.send(`[${ping(6).trim()}]\n`);
    e = await s.next((m) => m.error?.code === -32600);
    assert.match(e.error.message, /batch/);
    s.send('{"jsonrpc":"2.0","id":7,"method":"resources/list"}\n');
    assert.equal((await s.next((m) => m.id === 7)).error.code, -32601);
    s.send('{"jsonrpc":"2.0","id":"eight","method":"ping"}\r\n\n\n');
    assert.equal((await s.next((m) => m.id === 'eight')).jsonrpc, '2.0');
    s.send(init.replace('"id":0', '"id":9'));
    assert.equal((await s.next((m) => m.id === 9)).error.code, -32600);
    // stdout carried nothing but JSON-RPC.
    for (const l of s.lines) assert.doesNotThrow(() => JSON.parse(l));
    s.p.stdin.end();
    assert.deepEqual(await s.exited, { code: 0, signal: null });
  } finally { cleanup(); }
});

test('SIGTERM: goodbye beat, exit 0 within 2 s', async () => {
  const { dir, cleanup } = scratch();
  try {
    const watcher = await connect(sessionConfig(dir, 'watcher'), { dir });
    const s = raw(sessionConfig(dir, 'claude-a'), dir);
    s.send(init);
    await s.next((m) => m.id === 0);
    await sleep(300);
    let roster = await watcher.call('parley_list_users', {});
    assert.equal(roster.users.find((u) => u.handle === 'claude-a')?.online, true);
    const t0 = Date.now();
    s.p.kill('SIGTERM');
    assert.deepEqual(await s.exited, { code: 0, signal: null });
    assert.ok(Date.now() - t0 < 2000, `exited in ${Date.now() - t0} ms`);
    roster = await watcher.call('parley_list_users', {});
    assert.equal(roster.users.find((u) => u.handle === 'claude-a')?.online, false);
    await watcher.close();
  } finally { cleanup(); }
});

test('an answer larger than the pipe reaches a client that reads late, whole', async () => {
  const { dir, cleanup } = scratch();
  try {
    const s = raw(sessionConfig(dir, 'claude-a'), dir);
    s.send(init);
    await s.next((m) => m.id === 0);
    const body = 'y'.repeat(1000);
    for (let i = 1; i <= 300; i++)
      s.send(`{"jsonrpc":"2.0","id":${i},"method":"tools/call","params":{"name":"parley_post","arguments":{"topic":"ctx","content":"${body}"}}}\n`);
    await s.next((m) => m.id === 300, 20000);
    // The client stops reading; a ~400 KB answer fills the 64 KB pipe, and
    // the rest must be written later, when the client reads again.
    s.p.stdout.pause();
    s.send('{"jsonrpc":"2.0","id":301,"method":"tools/call","params":{"name":"parley_fetch_recent","arguments":{"topic":"ctx","limit":300}}}\n');
    await sleep(500);
    s.p.stdout.resume();
    const page = JSON.parse((await s.next((m) => m.id === 301, 10000)).result.content[0].text);
    assert.equal(page.messages.length, 300);
    assert.ok(page.messages.every((m) => m.content === body));
    s.send(ping(302));
    assert.deepEqual((await s.next((m) => m.id === 302)).result, {});
    s.p.stdin.end();
    assert.deepEqual(await s.exited, { code: 0, signal: null });
  } finally { cleanup(); }
});

test('SIGINT or SIGTERM to a session that never got input: exit 0 within 2 s', async () => {
  const { dir, cleanup } = scratch();
  try {
    for (const signal of ['SIGINT', 'SIGTERM']) {
      const s = raw(sessionConfig(dir, `idle-${signal}`), dir);
      // Idle from the start: the scheduler thread sleeps in poll, and the
      // signal must wake it.
      await sleep(700);
      const t0 = Date.now();
      s.p.kill(signal);
      assert.deepEqual(await s.exited, { code: 0, signal: null }, signal);
      assert.ok(Date.now() - t0 < 2000, `${signal}: exited in ${Date.now() - t0} ms`);
    }
  } finally { cleanup(); }
});

test('end of input exits 0 promptly; a post acknowledged before it is durable', async () => {
  const { dir, cleanup } = scratch();
  try {
    const s = raw(sessionConfig(dir, 'claude-a'), dir);
    s.send(init);
    s.send('{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"parley_post","arguments":{"topic":"ctx","content":"last words"}}}\n');
    const ack = await s.next((m) => m.id === 1);
    const t0 = Date.now();
    s.p.stdin.end();
    assert.deepEqual(await s.exited, { code: 0, signal: null });
    assert.ok(Date.now() - t0 < 2000);
    const id = JSON.parse(ack.result.content[0].text).backendMsgId;
    const tail = await run(['tail', '--config', sessionConfig(dir, 'reader'), '--no-follow'], { env: { XDG_STATE_HOME: join(dir, 'state') } });
    assert.match(tail.stdout, new RegExp(`\\[${id}\\]: last words`));
  } finally { cleanup(); }
});

test('a bad config fails with exit code 1 and names the key', async () => {
  const { dir, cleanup } = scratch();
  try {
    const cfg = writeConfig(dir, 'bad.yaml', 'identity: {handle: a}\ntopics: [ctx]\nlive_push: {enabeld: true}\ncatchup: {limit: 0}\n');
    const r = await run(['--config', cfg]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /live_push\.enabeld: unknown key/);
    assert.match(r.stderr, /catchup\.limit/);
    assert.equal(r.stdout, '');
    const missing = await run(['--config', join(dir, 'nope.yaml')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope\.yaml/);
    const backend = await run(['--config', writeConfig(dir, 'b.yaml', 'backend: carrier-pigeon\nidentity: {handle: a}\ntopics: [ctx]\n')]);
    assert.equal(backend.code, 1);
    assert.match(backend.stderr, /unknown backend 'carrier-pigeon'/);
  } finally { cleanup(); }
});
