/** Transport error mapping (no network): refused / unreachable / DNS → E_CONNECT with a next step. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectError } from '../../src/devices/transport.js';
import { ConnectError } from '../../src/errors.js';

function errno(code: string, message = code): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

describe('transport: connect errors', () => {
  it('refused', () => {
    const e = connectError('sw1', '10.0.0.1', 22, errno('ECONNREFUSED'));
    assert.ok(e instanceof ConnectError);
    assert.equal(e.code, 'E_CONNECT');
    assert.equal(e.device, 'sw1');
    assert.equal(e.message, 'sw1 refused the connection on 10.0.0.1:22');
    assert.equal(e.exitCode, 3);
  });
  it('DNS', () => {
    const e = connectError('sw1', 'sw1.example.invalid', 22, errno('ENOTFOUND'));
    assert.equal(e.message, 'cannot resolve sw1.example.invalid (device sw1)');
    assert.equal(e.details?.errno, 'ENOTFOUND');
  });
  it('unreachable', () => {
    const e = connectError('sw1', '10.0.0.1', 2222, errno('EHOSTUNREACH'));
    assert.equal(e.message, 'sw1 is unreachable at 10.0.0.1:2222 (EHOSTUNREACH)');
    assert.ok(e.suggestions.length > 0);
  });
});
