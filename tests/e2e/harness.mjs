// Starts real `parley` processes and drives them with the official MCP
// TypeScript SDK client, as Claude Code would.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const PARLEY_BIN = process.env.PARLEY_BIN;
if (!PARLEY_BIN) throw new Error('set PARLEY_BIN to the parley executable');

/** A scratch directory holding configs, the SQLite file and read state. */
export function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes a YAML config (as text) and returns its path. */
export function writeConfig(dir, name, yaml) {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

/**
 * A config for one session on the shared SQLite file of `dir`. `livePush`
 * holds extra keys of the live_push block; `extra` is appended YAML.
 */
export function sessionConfig(dir, handle, extra = '', { livePush = '' } = {}) {
  return writeConfig(dir, `${handle}.yaml`, `identity:
  handle: ${handle}
topics: [ctx]
live_push:
  enabled: true
${livePush}
backend_config:
  db_path: ${join(dir, 'parley.db')}
${extra}`);
}

/**
 * The config of a session `claude` in one chat room: topic `topic` on
 * backend `backend` with `backendConfig` (an object, written as JSON, which
 * YAML reads as is), live push on, presence off. Returns its path.
 */
export function chatConfig(dir, topic, backend, backendConfig) {
  return writeConfig(dir, 'claude.yaml', `identity:
  handle: claude
topics: [${topic}]
live_push:
  enabled: true
presence:
  enabled: false
backend: ${backend}
backend_config: ${JSON.stringify(backendConfig)}
`);
}

/** A test's `skip` option: false when the e2e build has `backend`. */
export function unlessBuilt(backend) {
  const built = (process.env.PARLEY_BACKENDS || backend).split(',');
  return built.includes(backend) ? false : `the ${backend} backend is not built`;
}

/** The path of a file in the repository, from tests/e2e. */
export const repoPath = (p) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Collects a parley process's stderr, and echoes sanitizer reports and fatal
 * lines to the test output at once so a failing run says why.
 */
export function watchStderr(stream) {
  const state = { text: '' };
  stream?.on('data', (d) => {
    state.text += d;
    for (const line of String(d).split('\n'))
      if (/runtime error|Sanitizer|fatal|ERROR/.test(line)) console.error(`[parley stderr] ${line}`);
  });
  return () => state.text;
}

/** An MCP client connected to a parley stdio process. */
export async function connect(configPath, { dir, env = {}, name = 'e2e' } = {}) {
  const transport = new StdioClientTransport({
    command: PARLEY_BIN,
    args: ['stdio', '--config', configPath],
    env: { ...process.env, XDG_STATE_HOME: join(dir, 'state'), ...env },
    stderr: 'pipe',
    cwd: dir,
  });
  const stderr = watchStderr(transport.stderr);
  const client = new Client({ name, version: '0.0.1' }, { capabilities: {} });
  const notifications = [];
  client.fallbackNotificationHandler = async (n) => { notifications.push(n); };
  await client.connect(transport);
  const session = {
    client,
    transport,
    notifications,
    stderr,
    /** Calls a tool and parses its JSON text result (throws on isError). */
    async call(name, args) {
      const r = await client.callTool({ name, arguments: args });
      if (r.isError) throw new Error(`${name}: ${r.content[0].text}`);
      return JSON.parse(r.content[0].text);
    },
    /** Calls a tool and returns the raw result. */
    raw: (name, args) => client.callTool({ name, arguments: args }),
    /** Waits until `count` notifications of `method` match `pred`. */
    async waitFor(method, count = 1, pred = () => true, ms = 5000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const got = notifications.filter((n) => n.method === method && pred(n));
        if (got.length >= count) return got;
        if (Date.now() > deadline) return got;
        await sleep(10);
      }
    },
    channel: () => notifications.filter((n) => n.method === 'notifications/claude/channel'),
    close: () => client.close(),
    /** Sends `signal` to the parley process and waits until it is gone. */
    async kill(signal) {
      process.kill(transport.pid, signal);
      for (let i = 0; i < 500 && transport.pid !== null; ++i) await sleep(10);
      await client.close();
    },
  };
  return session;
}

/** Runs `parley <args>` to completion; resolves {code, stdout, stderr}. */
export function run(args, { input, env = {}, cwd } = {}) {
  return new Promise((resolve) => {
    const p = spawn(PARLEY_BIN, args, { env: { ...process.env, ...env }, cwd });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    if (input !== undefined) p.stdin.end(input); else p.stdin.end();
  });
}

/**
 * A child process spoken to in JSON lines (the test clients that play a
 * person in a chat room): `send(obj)` writes one, `events` collects what it
 * prints, `waitFor(pred)` waits for a matching one, `quit()` sends
 * `{op: "quit"}` and kills it if it has not exited `graceMs` later.
 */
export function jsonLinesChild(command, args, { graceMs = 1000 } = {}) {
  const p = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const events = [];
  let stderr = '';
  createInterface({ input: p.stdout }).on('line', (l) => events.push(JSON.parse(l)));
  p.stderr.on('data', (d) => { stderr += d; });
  return {
    events,
    stderr: () => stderr,
    send: (obj) => p.stdin.write(JSON.stringify(obj) + '\n'),
    async waitFor(pred, ms = 10000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = events.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no such event; got ${JSON.stringify(events)}; ${stderr}`);
        await sleep(20);
      }
    },
    quit: () => new Promise((resolve) => {
      const timer = setTimeout(() => p.kill('SIGKILL'), graceMs);
      p.on('exit', () => { clearTimeout(timer); resolve(); });
      p.stdin.end(JSON.stringify({ op: 'quit' }) + '\n');
    }),
  };
}

/**
 * A fake of a hosted chat service (backends/<name>/fake/*.py), which prints
 * `PORT <n>` once listening: resolves {url, control(path, body), stop}.
 * `control` POSTs JSON to the fake's control API (or GETs without a body).
 */
export function startFake(script, args = []) {
  return new Promise((resolve, reject) => {
    const p = spawn('/usr/bin/python3', [script, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: p.stdout }).on('line', (l) => {
      const m = /^PORT (\d+)/.exec(l);
      if (!m) return;
      const url = `http://127.0.0.1:${m[1]}`;
      resolve({
        url,
        async control(path, body) {
          const r = await fetch(url + path, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body),
            headers: { 'content-type': 'application/json' } });
          if (!r.ok) throw new Error(`${path} → ${r.status}: ${await r.text()}`);
          return r.json();
        },
        stop: () => p.kill('SIGTERM'),
      });
    });
    p.on('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/**
 * Calls `post(i)` (a person writing in the channel) every half second until
 * the session hears one of them: its live connection is then up.
 */
export async function untilHeard(post, s) {
  for (let i = 0; i < 40; ++i) {
    await post(i);
    const heard = await s.waitFor('notifications/claude/channel', 1, () => true, 500);
    if (heard.length) return;
  }
  throw new Error(`the session never heard the channel: ${s.stderr()}`);
}
