/**
 * What the operator (or an event) names: a user id, a MAC in any notation, or an IP address. One
 * token; anything else is refused before the network is touched.
 */
import { ValidationError } from '../errors.js';
import { tryParseIp, type IpAddress } from '../values/ip.js';
import { tryParseMac, type Mac } from '../values/mac.js';
import { isDeviceName } from '../values/names.js';

export type Target =
  | { readonly kind: 'mac'; readonly text: string; readonly mac: Mac }
  | { readonly kind: 'ip'; readonly text: string; readonly ip: IpAddress }
  | { readonly kind: 'user'; readonly text: string; readonly user: string };

export function parseTarget(input: string, isUser: (id: string) => boolean): Target {
  const text = input.trim();
  const mac = tryParseMac(text);
  if (mac) return { kind: 'mac', text, mac };
  const ip = tryParseIp(text);
  if (ip) return { kind: 'ip', text, ip };
  if (isDeviceName(text) && isUser(text)) return { kind: 'user', text, user: text };
  throw new ValidationError(
    `target ${JSON.stringify(input)} is not a user id from the inventory, a MAC address or an IP address`,
    {
      code: 'E_BAD_TARGET',
      suggestions: [
        'Give one of: a user id (highalert inventory show lists them), a MAC such as aa:bb:cc:dd:ee:ff, or an IP such as 10.20.0.57.',
      ],
    },
  );
}
