import { Args } from '@oclif/core';
import { BaseCommand, inventoryFlag } from '../../src/cli/base-command.js';
import type { InventoryIssue, InventorySummary } from '../../src/inventory/types.js';

export interface InventoryValidateResult {
  ok: true;
  file: string;
  summary: InventorySummary;
  warnings: InventoryIssue[];
}

export default class InventoryValidate extends BaseCommand {
  static override summary = 'Check an inventory file: schema, references, pools, MACs.';
  static override description =
    'Reports every error with file:line:column and the field path, and exits 2 if there is any. ' +
    'Warnings (a plaintext secret, an unused credential) are printed on stderr but do not fail. ' +
    'Nothing is contacted: no device, DHCP server or secret is read.';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> inventory.example.yaml',
    'HIGHALERT_INVENTORY=/etc/highalert/inventory.yaml <%= config.bin %> <%= command.id %> --json',
  ];
  static override args = {
    file: Args.string({ description: 'Inventory file to check (overrides --inventory).', required: false }),
  };
  static override flags = { inventory: inventoryFlag };

  async run(): Promise<InventoryValidateResult> {
    const { args, flags } = await this.parse(InventoryValidate);
    const file = args.file ?? flags.inventory;
    const { validateInventoryFile, InventoryError } = await import('../../src/inventory/index.js');
    const result = await validateInventoryFile(file);
    if (!result.ok) throw new InventoryError(file, result.errors, result.warnings);
    if (!this.jsonEnabled()) {
      const { renderWarnings, renderSummary } = await import('../../src/inventory/render.js');
      process.stderr.write(renderWarnings(result.warnings));
      this.log(renderSummary(result.summary));
    }
    return { ok: true, file, summary: result.summary, warnings: [...result.warnings] };
  }
}
