/**
 * The device inventory: one YAML file, checked against schema/inventory.schema.json and by
 * semantic rules, resolved into an immutable {@link ResolvedInventory}.
 */
import { rangeSize } from '../values/index.js';
import { InventoryError } from './error.js';
import { readInventoryYaml } from './load.js';
import { formatRange } from './pools.js';
import { resolveInventory } from './resolve.js';
import { checkRules } from './rules.js';
import { schemaIssues } from './schema.js';
import type { InventoryIssue, InventorySummary, ResolvedInventory, ValidateResult } from './types.js';

export * from './types.js';
export { InventoryError, formatIssue } from './error.js';
export { readSecret } from './secrets.js';
export { redactInventory, describeSecret, poolText, type InventoryView } from './redact.js';
export { formatRange } from './pools.js';

function byPosition(a: InventoryIssue, b: InventoryIssue): number {
  return a.line - b.line || a.column - b.column;
}

/** Counts for `inventory validate`: devices by role, pools with their sizes, users. */
export function summarize(inv: ResolvedInventory): InventorySummary {
  const byRole = { access: 0, gateway: 0, dhcp_server: 0 };
  for (const d of inv.devices) for (const r of d.roles) byRole[r]++;
  return {
    file: inv.file,
    devices: { total: inv.devices.length, byRole },
    sites: inv.sites.length,
    pools: inv.vlans.map((v) => ({
      site: v.site,
      vlan: v.id,
      name: v.name,
      subnet: v.subnet.text,
      normalPool: { range: formatRange(v.normalPool), size: Number(rangeSize(v.normalPool)) },
      highAlertPool: {
        range: formatRange(v.highAlertPool.range),
        ...(v.highAlertPool.kind === 'subnet' ? { subnet: v.highAlertPool.subnet.text } : {}),
        size: v.highAlertPool.size,
      },
    })),
    users: inv.users.length,
    macs: inv.users.reduce((n, u) => n + u.macs.length, 0),
    dhcpServers: inv.dhcpServers.length,
  };
}

interface Checked {
  errors: InventoryIssue[];
  warnings: InventoryIssue[];
  inventory: ResolvedInventory | undefined;
}

async function check(file: string): Promise<Checked> {
  const loaded = await readInventoryYaml(file);
  let issues: InventoryIssue[] = [...loaded.syntaxErrors];
  if (issues.length === 0) {
    issues = [...schemaIssues(loaded.data, loaded.locator), ...checkRules(loaded.data, loaded.locator)];
  }
  issues.sort(byPosition);
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');
  const inventory = errors.length === 0 ? resolveInventory(loaded.data, loaded.absolute) : undefined;
  return { errors, warnings, inventory };
}

/**
 * Checks an inventory file and reports every error and warning, located. Throws (ValidationError,
 * exit 2) only when the file cannot be read.
 */
export async function validateInventoryFile(file: string): Promise<ValidateResult> {
  const { errors, warnings, inventory } = await check(file);
  if (inventory === undefined) return { ok: false, file, errors, warnings, summary: undefined };
  return { ok: true, file, errors, warnings, summary: { ...summarize(inventory), file } };
}

/** Loads, validates and resolves an inventory. Throws InventoryError listing every error. */
export async function loadInventory(
  file: string,
): Promise<{ inventory: ResolvedInventory; warnings: InventoryIssue[] }> {
  const { errors, warnings, inventory } = await check(file);
  if (inventory === undefined) throw new InventoryError(file, errors, warnings);
  return { inventory, warnings };
}
