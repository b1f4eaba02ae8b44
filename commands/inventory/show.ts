import { BaseCommand, inventoryFlag } from '../../src/cli/base-command.js';
import type { InventoryView } from '../../src/inventory/redact.js';

export default class InventoryShow extends BaseCommand {
  static override summary = 'Show the resolved inventory, secrets redacted.';
  static override description =
    'Prints what highalert understood from the inventory: devices with their merged SSH settings, ' +
    'credentials (only where each secret comes from, never its value), sites and VLANs with pool sizes, ' +
    'DHCP servers, users and the protected list. Exits 2 with every error if the inventory is invalid.';
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --inventory inventory.example.yaml',
    '<%= config.bin %> <%= command.id %> --json | jq ".devices[].name"',
  ];
  static override flags = { inventory: inventoryFlag };

  async run(): Promise<InventoryView> {
    const { flags } = await this.parse(InventoryShow);
    const { loadInventory, redactInventory } = await import('../../src/inventory/index.js');
    const { inventory, warnings } = await loadInventory(flags.inventory);
    if (!this.jsonEnabled()) {
      const { renderWarnings, renderInventory } = await import('../../src/inventory/render.js');
      process.stderr.write(renderWarnings(warnings));
      this.log(renderInventory(inventory));
    }
    return redactInventory(inventory);
  }
}
