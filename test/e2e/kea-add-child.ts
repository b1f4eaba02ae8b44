/**
 * Child process for the concurrency test in kea.test.ts: adds reservations through its own
 * KeaBackend (its own connection and lock attempts), starting at a shared instant.
 * Input: one JSON argument. Output: one JSON line on stdout.
 */
import { KeaBackend } from '../../src/dhcp/kea.js';
import { parseIp, parseMac } from '../../src/values/index.js';

interface ChildInput {
  name: string;
  socketPath?: string;
  url?: string;
  username?: string;
  password?: string;
  lockDir: string;
  subnet: string;
  subnetId: number;
  startAt: number;
  items: Array<{ mac: string; ip: string }>;
}

const input = JSON.parse(process.argv[2] ?? '{}') as ChildInput;
const backend = new KeaBackend({
  name: input.name,
  lockDir: input.lockDir,
  ...(input.url !== undefined
    ? { url: input.url, username: input.username, password: input.password }
    : { socketPath: input.socketPath }),
});
await new Promise((r) => setTimeout(r, Math.max(0, input.startAt - Date.now())));
const results: Array<{ mac: string; ip: string; changed: boolean }> = [];
try {
  for (const item of input.items) {
    const change = await backend.addReservation({
      mac: parseMac(item.mac),
      ip: parseIp(item.ip),
      scope: { subnet: input.subnet, subnetId: input.subnetId },
    });
    results.push({ mac: item.mac, ip: item.ip, changed: change.changed });
  }
  process.stdout.write(`${JSON.stringify({ ok: true, pid: process.pid, results })}\n`);
} catch (err) {
  process.stdout.write(
    `${JSON.stringify({ ok: false, pid: process.pid, error: (err as Error).message, results })}\n`,
  );
  process.exitCode = 1;
} finally {
  await backend.close();
}
