// Permission relay: Claude Code's permission prompt goes to the relay topic;
// an approver's "yes <id>" / "no <id>" answers it; silence denies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { scratch, sessionConfig, connect, writeConfig, run, sleep } from './harness.mjs';

const relay = 'permissions:\n  relay_topic: approvals\n  approvers: [alice]\n  timeout_ms: 1500\n';

function humanConfig(dir) {
  return writeConfig(dir, 'human.yaml', `identity: {handle: alice}
topics: [approvals]
presence: {enabled: false}
backend_config: {db_path: ${join(dir, 'parley.db')}}
`);
}

const say = (dir, as, text) => run(['post', '--config', humanConfig(dir), '--topic', 'approvals', '--as', as, text]);

function request(s, id) {
  return s.client.notification({
    method: 'notifications/claude/channel/permission_request',
    params: { request_id: id, tool_name: 'Bash', description: 'List files', input_preview: '{"command":"ls -la"}' },
  });
}

const verdicts = (s) => s.notifications.filter((n) => n.method === 'notifications/claude/channel/permission');

test('declared only with a relay topic', async () => {
  const { dir, cleanup } = scratch();
  try {
    const s = await connect(sessionConfig(dir, 'claude-a', relay), { dir });
    assert.deepEqual(s.client.getServerCapabilities().experimental['claude/channel/permission'], {});
    await s.close();
  } finally { cleanup(); }
});

test('an approver allows and denies; the prompt names the request', async () => {
  const { dir, cleanup } = scratch();
  try {
    const s = await connect(sessionConfig(dir, 'claude-a', relay), { dir });
    await sleep(200);
    await request(s, 'abcde');
    await sleep(200);
    const tail = await run(['tail', '--config', humanConfig(dir), '--topic', 'approvals', '--no-follow']);
    assert.match(tail.stdout, /claude-a asks to run Bash: List files/);
    assert.match(tail.stdout, /yes abcde/);
    assert.equal((await say(dir, 'alice', 'YES ABCDE')).code, 0);
    let v = await s.waitFor('notifications/claude/channel/permission', 1);
    assert.deepEqual(v[0].params, { request_id: 'abcde', behavior: 'allow' });

    await request(s, 'fghij');
    await sleep(100);
    await say(dir, 'alice', 'no fghij');
    v = await s.waitFor('notifications/claude/channel/permission', 2);
    assert.deepEqual(v[1].params, { request_id: 'fghij', behavior: 'deny' });
    // Verdicts are never shown as chat.
    assert.equal(s.channel().filter((n) => /abcde|fghij/.test(n.params.content)).length, 0);
    await s.close();
  } finally { cleanup(); }
});

test('a non-approver is ignored and silence denies', async () => {
  const { dir, cleanup } = scratch();
  try {
    const s = await connect(sessionConfig(dir, 'claude-a', relay), { dir });
    await sleep(200);
    await request(s, 'kmnop');
    await sleep(100);
    await say(dir, 'mallory', 'yes kmnop');
    await sleep(500);
    assert.equal(verdicts(s).length, 0, 'mallory cannot approve');
    const v = await s.waitFor('notifications/claude/channel/permission', 1, () => true, 4000);
    assert.deepEqual(v[0].params, { request_id: 'kmnop', behavior: 'deny' });
    await s.close();
  } finally { cleanup(); }
});
