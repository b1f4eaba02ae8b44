/** `highalert history`: the audit trail, newest first, by target. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_HISTORY_LIMIT, groupHistory } from '../../src/group/index.js';
import { renderHistory } from '../../src/group/render.js';
import type { Mac } from '../../src/values/mac.js';
import { mac, seed, storeWithClock } from './group-fixtures.js';

function world() {
  const { store, c } = storeWithClock();
  const q1 = seed(store, c, 1);
  seed(store, c, 2);
  const add = (action: string, target: string | null, m: Mac | null, device: string | null = null) => {
    c.tick(1000);
    return store.appendAudit({
      operator: 'alice',
      commandLine: `highalert ${action} ${target ?? ''}`,
      action,
      target,
      mac: m,
      device,
      result: `${action} ok`,
    });
  };
  const e = [
    add('quarantine', 'user1', mac(1), 'acc-sw1'),
    add('quarantine', '10.1.20.12', mac(2), 'acc-sw1'),
    add('verdict', 'user1', mac(1)),
    add('hold', null, null, 'gw1'),
    add('report', 'user1', mac(1)),
  ];
  return { store, q1, e };
}

describe('groupHistory', () => {
  it('everything, newest first', () => {
    const { store, e } = world();
    const h = groupHistory(store);
    assert.equal(h.target, null);
    assert.deepEqual(
      h.entries.map((x) => x.id),
      e.map((x) => x.id).reverse(),
    );
  });

  it('--limit keeps the newest N', () => {
    const { store, e } = world();
    assert.deepEqual(
      groupHistory(store, { limit: 2 }).entries.map((x) => x.id),
      [e[4]!.id, e[3]!.id],
    );
    assert.equal(DEFAULT_HISTORY_LIMIT, 50);
  });

  it('by MAC in any notation, by user id, by IP, by quarantine id: the same entries', () => {
    const { store, q1, e } = world();
    const expected = [e[4]!.id, e[2]!.id, e[0]!.id];
    for (const t of ['02:00:00:00:00:01', '0200.0000.0001', 'user1', '10.1.20.241', String(q1.id)]) {
      assert.deepEqual(
        groupHistory(store, { target: t }).entries.map((x) => x.id),
        expected,
        t,
      );
    }
    assert.deepEqual(
      groupHistory(store, { target: 'user1', limit: 1 }).entries.map((x) => x.id),
      [e[4]!.id],
    );
  });

  it('by device name', () => {
    const { store, e } = world();
    assert.deepEqual(
      groupHistory(store, { target: 'gw1' }).entries.map((x) => x.id),
      [e[3]!.id],
    );
  });

  it('an unknown target is an empty trail, said plainly', () => {
    const { store } = world();
    const h = groupHistory(store, { target: 'nobody' });
    assert.equal(h.entries.length, 0);
    assert.equal(renderHistory(h), 'No audit entry for nobody.');
    assert.match(renderHistory(groupHistory(store)), /quarantine ok/);
  });
});
