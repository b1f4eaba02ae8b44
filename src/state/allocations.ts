/**
 * High-Alert address allocation. The choice and the insert happen in one IMMEDIATE transaction,
 * and UNIQUE(pool, ip) / UNIQUE(pool, mac) back it up: two processes never get the same address.
 */
import { EXIT, HighAlertError } from '../errors.js';
import type { IpAddress } from '../values/ip.js';
import type { Mac } from '../values/mac.js';
import { immediate, type Ctx } from './db.js';
import type { AllocationRecord, AllocationRequest } from './types.js';

/** Every High-Alert address of a pool is taken. Exit 2: nothing was changed. */
export class PoolExhaustedError extends HighAlertError {
  constructor(pool: string, size: number, allocated: number, excluded: number) {
    super(
      'E_POOL_EXHAUSTED',
      `High-Alert pool ${pool} is full: all ${size} addresses are allocated (${allocated}) or already used on the DHCP server (${excluded})`,
      EXIT.USAGE,
      {
        details: { pool, size, allocated, excluded },
        suggestions: [
          'See who holds them with `highalert status`.',
          'Release quarantines that are decided with `highalert release <target>` (or `highalert verdict --benign`).',
          'Or make the High-Alert range of this site larger in the inventory.',
        ],
      },
    );
  }
}

interface AllocationRow {
  pool: string;
  ip: string;
  mac: string;
  quarantine_id: number | null;
  created_at: string;
}

function toAllocation(r: AllocationRow): AllocationRecord {
  return {
    pool: r.pool,
    ip: r.ip as IpAddress,
    mac: r.mac as Mac,
    quarantineId: r.quarantine_id,
    createdAt: r.created_at,
  };
}

export function allocationFor(ctx: Ctx, pool: string, mac: Mac): AllocationRecord | undefined {
  const row = ctx.db
    .prepare<[string, Mac], AllocationRow>('SELECT * FROM allocations WHERE pool = ? AND mac = ?')
    .get(pool, mac);
  return row && toAllocation(row);
}

export function allocations(ctx: Ctx, pool?: string): AllocationRecord[] {
  const sql = `SELECT * FROM allocations ${pool === undefined ? '' : 'WHERE pool = ?'} ORDER BY id`;
  return ctx.db
    .prepare<unknown[], AllocationRow>(sql)
    .all(...(pool === undefined ? [] : [pool]))
    .map(toAllocation);
}

/** The first candidate neither allocated nor excluded; throws when there is none. */
function firstFree(ctx: Ctx, req: AllocationRequest): IpAddress {
  const taken = new Set(
    ctx.db.prepare<[string], string>('SELECT ip FROM allocations WHERE pool = ?').pluck().all(req.pool),
  );
  const free = req.candidates.find((ip) => !taken.has(ip) && !req.exclude.has(ip));
  if (free !== undefined) return free;
  const all = [...new Set(req.candidates)];
  const allocated = all.filter((ip) => taken.has(ip)).length;
  throw new PoolExhaustedError(req.pool, all.length, allocated, all.length - allocated);
}

/**
 * Reserves a High-Alert address for `mac` in `pool`: its existing allocation if it has one, else the
 * first free candidate. Throws {@link PoolExhaustedError} (writing nothing) when none is free.
 */
export function allocateHighAlertIp(ctx: Ctx, req: AllocationRequest): IpAddress {
  return immediate(ctx, () => {
    const existing = allocationFor(ctx, req.pool, req.mac);
    if (existing !== undefined) {
      if (req.quarantineId !== undefined && existing.quarantineId === null) {
        ctx.db
          .prepare('UPDATE allocations SET quarantine_id = ? WHERE pool = ? AND mac = ?')
          .run(req.quarantineId, req.pool, req.mac);
      }
      return existing.ip;
    }
    const ip = firstFree(ctx, req);
    ctx.db
      .prepare('INSERT INTO allocations (pool, ip, mac, quarantine_id, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(req.pool, ip, req.mac, req.quarantineId ?? null, ctx.now());
    return ip;
  });
}

/** The address {@link allocateHighAlertIp} would return now, without reserving it (dry-run). */
export function previewHighAlertIp(ctx: Ctx, req: Omit<AllocationRequest, 'quarantineId'>): IpAddress {
  return allocationFor(ctx, req.pool, req.mac)?.ip ?? firstFree(ctx, req);
}

/** Gives the MAC's address back to the pool. Returns false when it had none (idempotent). */
export function releaseAllocation(ctx: Ctx, pool: string, mac: Mac): boolean {
  return ctx.db.prepare('DELETE FROM allocations WHERE pool = ? AND mac = ?').run(pool, mac).changes > 0;
}
