/**
 * A separate process using the state store, for the concurrency tests:
 *   node --import tsx test/integration/state-worker.ts <db> allocate|claim|journal <mac> [poolSize]
 * Opens the store, prints `ready`, waits for a line on stdin (the start signal), does its one
 * action, prints the result as one JSON line, then waits for stdin to close before exiting (so a
 * claim stays held while the parent looks).
 */
import { createInterface } from 'node:readline';
import { asHighAlertError } from '../../src/errors.js';
import { openState } from '../../src/state/index.js';
import { parseIp } from '../../src/values/ip.js';
import { parseMac } from '../../src/values/mac.js';

const [file, action, macText, size = '11'] = process.argv.slice(2);
const mac = parseMac(macText!);
const store = openState(file!);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

function act(): unknown {
  switch (action) {
    case 'allocate': {
      const candidates = Array.from({ length: Number(size) }, (_, i) => parseIp(`10.1.20.${240 + i}`));
      return { ip: store.allocateHighAlertIp({ pool: 'hq/20', candidates, exclude: new Set(), mac }) };
    }
    case 'claim': {
      const op = store.beginOperation({ kind: 'quarantine', target: mac, operator: 'worker' });
      return { opId: op.id, claim: store.claimTarget(mac, op.id) };
    }
    case 'journal': {
      const op = store.beginOperation({ kind: 'quarantine', target: mac, operator: 'worker' });
      store.claimTarget(mac, op.id);
      const step = store.journalStep(op.id, {
        device: 'acc-sw1',
        kind: 'device-config',
        do: { lines: ['interface GigabitEthernet1/0/5', ' ip access-group HA-IN in'] },
        undo: { lines: ['interface GigabitEthernet1/0/5', ' no ip access-group HA-IN in'] },
      });
      return { opId: op.id, step };
    }
    default:
      throw new Error(`unknown action ${action}`);
  }
}

process.stdout.write('ready\n');
await lines.next();
let result: unknown;
try {
  result = { pid: process.pid, ...(act() as object) };
} catch (err) {
  result = { pid: process.pid, error: asHighAlertError(err).toJSON() };
}
process.stdout.write(`${JSON.stringify(result)}\n`);
while (!(await lines.next()).done);
store.close();
