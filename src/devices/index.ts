/** SSH transport, known_hosts, CLI sessions and the device pool (parsers: ./parsers/). */
export { connect, withSession, type ConnectionParams } from './connect.js';
export { connectionParamsFor, devicesByName } from './inventory-params.js';
export { Session, type SendConfigOptions, type SendOptions, type SessionOptions } from './session.js';
export { MultiResponse, type CommandResponse } from './response.js';
export { Channel, type ChannelLogEvent, type ChannelLogger, type Transport } from './channel.js';
export { SshTransport, scanHostKey, type HostKeyInfo, type TransportOptions } from './transport.js';
export {
  appendKnownHost,
  fingerprintSha256,
  lookupHostKey,
  parseKnownHosts,
  type HostKeyLookup,
  type KnownHostEntry,
} from './known-hosts.js';
export { AggregatedResult, runOnDevices, type DeviceResult, type RunOptions } from './pool.js';
export { trustDevices, trustInventoryDevices, type TrustOutcome, type TrustTarget } from './trust.js';
export type { PlatformDefinition, PlatformMode } from './platform.js';
export { CISCO_IOS, IosSession, platformFor, platformNames, sessionClassFor } from './platforms/index.js';
