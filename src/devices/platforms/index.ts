/** Platform registry: inventory `platform:` name → the session class that drives it. */
import { ValidationError } from '../../errors.js';
import type { Channel } from '../channel.js';
import type { PlatformDefinition } from '../platform.js';
import type { Session, SessionOptions } from '../session.js';
import { CISCO_IOS, IosSession } from './cisco_ios.js';

export type SessionClass = new (channel: Channel, options: SessionOptions) => Session;

export interface PlatformEntry {
  readonly definition: PlatformDefinition;
  readonly session: SessionClass;
}

const PLATFORMS: Readonly<Record<string, PlatformEntry>> = Object.freeze({
  cisco_ios: Object.freeze({ definition: CISCO_IOS, session: IosSession }),
});

export function platformNames(): string[] {
  return Object.keys(PLATFORMS);
}

/** The session class for a platform; an unknown name is a usage error listing the known ones. */
export function platformFor(platform: string, device?: string): PlatformEntry {
  const cls = Object.hasOwn(PLATFORMS, platform) ? PLATFORMS[platform] : undefined;
  if (cls === undefined) {
    throw new ValidationError(
      `unknown platform '${platform}'${device === undefined ? '' : ` for device ${device}`}; known: ${platformNames().join(', ')}`,
      {
        code: 'E_PLATFORM_UNKNOWN',
        ...(device === undefined ? {} : { device }),
        suggestions: [`Set \`platform:\` to one of: ${platformNames().join(', ')}.`],
      },
    );
  }
  return cls;
}

/** The session class for a platform (see platformFor). */
export function sessionClassFor(platform: string, device?: string): SessionClass {
  return platformFor(platform, device).session;
}

export { CISCO_IOS, IosSession } from './cisco_ios.js';
