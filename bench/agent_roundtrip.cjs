// NATS agent latency (docs/features.md, "NATS agents"): a caller on NATS prompts a `parley stdio`
// session whose MCP client (the official SDK, playing Claude Code) answers at
// once with `reply`. Prints the ack latency (publish → leading ack) and the
// full round trip (publish → terminator), p50/p99 over N sequential prompts.
//
//   NODE_PATH=tests/e2e/node_modules PARLEY_BIN=build/release/actors/parley \
//     NATS_URL=nats://127.0.0.1:4222 node bench/agent_roundtrip.cjs [N]
'use strict';
const { mkdtempSync, writeFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { connect, createInbox } = require('nats');
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = require('@modelcontextprotocol/sdk/client/stdio.js');

const N = Number(process.argv[2] || 500);
const bin = process.env.PARLEY_BIN;
const natsUrl = process.env.NATS_URL || process.env.PARLEY_NATS_SERVERS || 'nats://127.0.0.1:4222';
const owner = `bench${process.pid}`;

function pct(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

(async () => {
  if (!bin) throw new Error('set PARLEY_BIN');
  const dir = mkdtempSync(join(tmpdir(), 'parley-agent-bench-'));
  const cfg = join(dir, 'bench.yaml');
  writeFileSync(cfg, `identity: {handle: bench}\ntopics: [ctx]\nbackend_config: {db_path: ${join(dir, 'p.db')}}\n` +
    `nats_agent: {servers: ${natsUrl}, owner: ${owner}, session: bench}\n`);
  const transport = new StdioClientTransport({ command: bin, args: ['stdio', '--config', cfg], cwd: dir,
    env: { ...process.env, XDG_STATE_HOME: join(dir, 'state') }, stderr: process.env.BENCH_STDERR ? 'inherit' : 'ignore' });
  const client = new Client({ name: 'bench', version: '1' }, { capabilities: {} });
  // Answer every prompt at once, as a fast model would.
  client.fallbackNotificationHandler = async (n) => {
    if (n.method === 'notifications/claude/channel' && n.params.meta.request_id)
      client.callTool({ name: 'reply', arguments: { request_id: n.params.meta.request_id, text: 'ok' } });
  };
  await client.connect(transport);
  const nc = await connect({ servers: natsUrl });
  const subject = `agents.prompt.parley.${owner}.bench`;
  // Wait for registration (the agent probes for name collisions first).
  for (let i = 0; ; i++) {
    try { await nc.request(`agents.status.parley.${owner}.bench`, '', { timeout: 200 }); break; } catch (e) {
      if (i > 100) throw new Error(`the agent never registered: ${e}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const acks = [];
  const trips = [];
  for (let i = 0; i < N + 20; i++) {
    const inbox = createInbox();
    const sub = nc.subscribe(inbox);
    const t0 = process.hrtime.bigint();
    let ack;
    nc.publish(subject, new TextEncoder().encode(`prompt ${i}`), { reply: inbox });
    for await (const m of sub) {
      const t = Number(process.hrtime.bigint() - t0) / 1e6;
      if (ack === undefined) ack = t;
      if (m.data.length === 0 && !m.headers) {
        if (i >= 20) { acks.push(ack); trips.push(t); }  // first 20: warm-up
        break;
      }
    }
  }
  console.log(`nats agent, ${N} sequential prompts (stdio session, SDK client replying at once)`);
  console.log(`  leading ack   p50 ${pct(acks, 50).toFixed(3)} ms  p99 ${pct(acks, 99).toFixed(3)} ms`);
  console.log(`  round trip    p50 ${pct(trips, 50).toFixed(3)} ms  p99 ${pct(trips, 99).toFixed(3)} ms`);
  await nc.drain();
  await client.close();
  rmSync(dir, { recursive: true, force: true });
})().catch((e) => { console.error(e); process.exit(1); });
