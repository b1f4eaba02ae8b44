/**
 * Semantic checks beyond the schema, as small rules (changesets-style): each rule reads the parsed
 * data and reports every problem it finds, located in the file. Rules tolerate data the schema
 * already rejected (they skip what has the wrong shape) so that all errors come out at once.
 */
import {
  cidrContains,
  cidrToRange,
  isDeviceName,
  rangeContains,
  rangesOverlap,
  tryParseInterface,
  tryParseIp,
  tryParseMac,
  parseCidr,
  ipVersion,
  type Cidr,
  type IpRange,
  type IpAddress,
  type Mac,
} from '../values/index.js';
import { HighAlertError } from '../errors.js';
import { formatPath, type Locator, type PathSegment } from './load.js';
import { dedicatedPool, parseIpRange } from './pools.js';
import { classifySecret } from './secrets.js';
import type { InventoryIssue } from './types.js';

type Obj = Record<string, unknown>;
type Path = readonly PathSegment[];

export const obj = (v: unknown): Obj | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

const ROLES: ReadonlySet<string> = new Set(['access', 'gateway', 'dhcp_server']);

export interface Entry {
  index: number;
  raw: Obj;
}

export class RuleContext {
  readonly issues: InventoryIssue[] = [];
  readonly root: Obj;
  readonly devices = new Map<string, Entry>();
  readonly dhcpServers = new Map<string, Entry>();
  readonly credentialNames: ReadonlySet<string>;

  constructor(
    data: unknown,
    readonly locator: Locator,
  ) {
    this.root = obj(data) ?? {};
    list(this.root.devices).forEach((d, index) => {
      const raw = obj(d);
      const name = str(raw?.name);
      if (raw && name !== undefined && !this.devices.has(name)) this.devices.set(name, { index, raw });
    });
    list(this.root.dhcp_servers).forEach((d, index) => {
      const raw = obj(d);
      const name = str(raw?.name);
      if (raw && name !== undefined && !this.dhcpServers.has(name))
        this.dhcpServers.set(name, { index, raw });
    });
    this.credentialNames = new Set(Object.keys(obj(this.root.credentials) ?? {}));
  }

  error(path: Path, message: string, options: { key?: boolean } = {}): void {
    this.issues.push(this.locator.issue('error', path, message, options));
  }

  warning(path: Path, message: string, options: { key?: boolean } = {}): void {
    this.issues.push(this.locator.issue('warning', path, message, options));
  }

  /** Each entry of a list with its path, skipping entries that are not mappings. */
  *entries(path: Path): Generator<[Obj, Path]> {
    let node: unknown = this.root;
    for (const seg of path) node = typeof seg === 'number' ? list(node)[seg] : obj(node)?.[seg];
    const items = list(node);
    for (let i = 0; i < items.length; i++) {
      const o = obj(items[i]);
      if (o) yield [o, [...path, i]];
    }
  }

  roles(device: string): string[] {
    return list(this.devices.get(device)?.raw.roles).filter((r): r is string => typeof r === 'string');
  }

  /** Checks a reference to a device; `role` (if given) must be one of its roles. */
  deviceRef(path: Path, name: unknown, role?: string): string | undefined {
    const n = str(name);
    if (n === undefined) return undefined;
    if (!this.devices.has(n)) {
      const known = [...this.devices.keys()];
      this.error(path, `unknown device '${n}'${known.length ? ` (devices: ${known.join(', ')})` : ''}`);
      return undefined;
    }
    const roles = this.roles(n);
    // Unknown roles are reported by the schema; don't pile a second error on top.
    if (role !== undefined && roles.every((r) => ROLES.has(r)) && !roles.includes(role)) {
      this.error(path, `device '${n}' does not have the role '${role}' (add it to its roles)`);
    }
    return n;
  }

  ip(path: Path, value: unknown, what = 'IP address'): IpAddress | undefined {
    const s = str(value);
    if (s === undefined) return undefined;
    const ip = tryParseIp(s.trim());
    if (ip === undefined)
      this.error(path, `${JSON.stringify(s)} is not an ${what} (IPv4 like 10.1.20.5, IPv6 like 2001:db8::5)`);
    return ip;
  }

  cidr(path: Path, value: unknown): Cidr | undefined {
    const s = str(value);
    if (s === undefined) return undefined;
    try {
      return parseCidr(s);
    } catch (err) {
      if (!(err instanceof HighAlertError)) throw err;
      this.error(path, err.message);
      return undefined;
    }
  }

  iface(path: Path, value: unknown): string | undefined {
    const s = str(value);
    if (s === undefined) return undefined;
    const name = tryParseInterface(s);
    if (name === undefined) {
      this.error(
        path,
        `${JSON.stringify(s)} is not an IOS interface name (e.g. GigabitEthernet1/0/5, Gi1/0/5, Po1, Vlan20)`,
      );
    }
    return name;
  }

  mac(path: Path, value: unknown): Mac | undefined {
    const s = str(value);
    if (s === undefined) return undefined;
    const mac = tryParseMac(s.trim());
    if (mac === undefined) {
      this.error(
        path,
        `${JSON.stringify(s)} is not a MAC address (aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff or aabb.ccdd.eeff)`,
      );
    }
    return mac;
  }

  name(path: Path, value: unknown, what: string): void {
    const s = str(value);
    if (s !== undefined && !isDeviceName(s)) {
      this.error(
        path,
        `${what} ${JSON.stringify(s)} may use only letters, digits, _ - . (at most 63, no spaces)`,
      );
    }
  }
}

export type Rule = (ctx: RuleContext) => void;

/** Names must be unique within a list. */
function uniqueNames(listPath: Path, key: string, what: string): Rule {
  return (ctx) => {
    const seen = new Map<string, Path>();
    for (const [o, p] of ctx.entries(listPath)) {
      const v = str(o[key]);
      if (v === undefined) continue;
      ctx.name([...p, key], v, what);
      const first = seen.get(v);
      if (first) ctx.error([...p, key], `${what} '${v}' is defined twice (first at ${formatPath(first)})`);
      else seen.set(v, p);
    }
  };
}

const devices: Rule = (ctx) => {
  const fallback = str(obj(ctx.root.defaults)?.credentials);
  if (fallback !== undefined && !ctx.credentialNames.has(fallback)) {
    ctx.error(['defaults', 'credentials'], `no credentials named '${fallback}' under 'credentials'`);
  }
  for (const [d, p] of ctx.entries(['devices'])) {
    const host = str(d.host);
    if (host !== undefined && tryParseIp(host) === undefined && !HOSTNAME.test(host)) {
      ctx.error([...p, 'host'], `${JSON.stringify(host)} is neither an IP address nor a DNS name`);
    }
    const cred = str(d.credentials);
    if (cred !== undefined && !ctx.credentialNames.has(cred)) {
      const known = [...ctx.credentialNames];
      ctx.error(
        [...p, 'credentials'],
        `no credentials named '${cred}' under 'credentials'${known.length ? ` (defined: ${known.join(', ')})` : ''}`,
      );
    } else if (cred === undefined && fallback === undefined && d.credentials === undefined) {
      ctx.error(
        p,
        `device '${str(d.name) ?? '?'}' has no credentials (set 'credentials' or defaults.credentials)`,
      );
    }
    list(d.protected_ports).forEach((port, i) => ctx.iface([...p, 'protected_ports', i], port));
    if (d.commit_confirmed_minutes !== undefined && d.commit_confirmed !== true) {
      ctx.warning([...p, 'commit_confirmed_minutes'], "has no effect unless 'commit_confirmed: true'");
    }
  }
};

const credentials: Rule = (ctx) => {
  const used = new Set(list(ctx.root.devices).map((d) => str(obj(d)?.credentials)));
  used.add(str(obj(ctx.root.defaults)?.credentials));
  for (const [name, value] of Object.entries(obj(ctx.root.credentials) ?? {})) {
    const c = obj(value);
    const p: Path = ['credentials', name];
    ctx.name(p, name, 'credentials name');
    if (!c) continue;
    for (const [field, fileField] of [
      ['password', 'password_file'],
      ['enable', 'enable_file'],
      ['passphrase', undefined],
    ] as const) {
      if (fileField && c[field] !== undefined && c[fileField] !== undefined) {
        ctx.error([...p, fileField], `set either '${field}' or '${fileField}', not both`);
      }
      const text = str(c[field]);
      if (text === undefined) continue;
      const kind = classifySecret(text);
      if (kind.kind === 'bad') ctx.error([...p, field], kind.message);
      if (kind.kind === 'plain') {
        ctx.warning(
          [...p, field],
          `plaintext secret in the inventory; use \${ENV_VAR}${fileField ? ` or ${fileField}` : ''} instead`,
        );
      }
    }
    if (c.passphrase !== undefined && c.private_key === undefined) {
      ctx.warning([...p, 'passphrase'], "has no effect without 'private_key'");
    }
    const canLogIn =
      c.password !== undefined ||
      c.password_file !== undefined ||
      c.private_key !== undefined ||
      c.agent === true;
    if (!canLogIn) {
      ctx.error(
        p,
        `credentials '${name}' have no way to log in: set password, password_file, private_key or agent: true`,
      );
    }
    if (!used.has(name)) ctx.warning(p, `credentials '${name}' are not used by any device`, { key: true });
  }
};

/** A user name or password inside a URL would end up in output and logs: refuse it (the URL is not echoed). */
function noCredentialsInUrl(ctx: RuleContext, path: Path, value: unknown, instead: string): void {
  if (typeof value !== 'string') return;
  try {
    const u = new URL(value);
    if (u.username || u.password) {
      ctx.error(path, `the URL carries a user name or password; remove them and use ${instead}`);
    }
  } catch {
    // the schema reports malformed URLs
  }
}

const monitorAndController: Rule = (ctx) => {
  ctx.ip(['monitor', 'ip'], obj(ctx.root.monitor)?.ip);
  const dc = obj(ctx.root.decision_controller);
  noCredentialsInUrl(
    ctx,
    ['decision_controller', 'url'],
    dc?.url,
    'auth_header with auth_env (read from the environment)',
  );
};

const dhcpServers: Rule = (ctx) => {
  for (const [s, p] of ctx.entries(['dhcp_servers'])) {
    const kea = obj(s.kea);
    if (s.backend === 'kea') {
      if (!kea) ctx.error(p, "missing 'kea' (url or socket of the Kea control agent)");
      else {
        if ((kea.url === undefined) === (kea.socket === undefined)) {
          ctx.error(
            [...p, 'kea'],
            "set exactly one of 'url' (kea-ctrl-agent) or 'socket' (unix control socket)",
          );
        }
        noCredentialsInUrl(ctx, [...p, 'kea', 'url'], kea.url, 'username_env and password_env');
        if ((kea.username_env === undefined) !== (kea.password_env === undefined)) {
          ctx.error([...p, 'kea'], "set both 'username_env' and 'password_env' for basic auth, or neither");
        }
      }
      if (s.device !== undefined)
        ctx.error([...p, 'device'], "'device' is only for backend cisco_ios", { key: true });
    }
    if (s.backend === 'cisco_ios') {
      if (s.device === undefined) ctx.error(p, "missing 'device' (the IOS device that serves DHCP)");
      else ctx.deviceRef([...p, 'device'], s.device, 'dhcp_server');
      if (s.kea !== undefined) ctx.error([...p, 'kea'], "'kea' is only for backend kea", { key: true });
    }
  }
};

interface VlanInfo {
  path: Path;
  label: string;
  subnet: Cidr | undefined;
  extra: Cidr | undefined;
}

function poolInSubnet(ctx: RuleContext, path: Path, range: IpRange, subnet: Cidr, what: string): boolean {
  if (range.version !== subnet.version) {
    ctx.error(
      path,
      `${what} is IPv${range.version} but the VLAN subnet ${subnet.text} is IPv${subnet.version}`,
    );
    return false;
  }
  if (!rangeContains(cidrToRange(subnet), range.first) || !rangeContains(cidrToRange(subnet), range.last)) {
    ctx.error(path, `${what} ${range.first}-${range.last} is not inside the VLAN subnet ${subnet.text}`);
    return false;
  }
  const edges = cidrToRange(subnet);
  if (subnet.version === 4 && subnet.prefix < 31) {
    if (rangeContains(range, edges.first))
      ctx.error(path, `${what} includes the network address ${edges.first}`);
    else if (rangeContains(range, edges.last))
      ctx.error(path, `${what} includes the broadcast address ${edges.last}`);
  }
  return true;
}

const sites: Rule = (ctx) => {
  const all: VlanInfo[] = [];
  const dhcpPairs = new Map<string, string>();
  /** gateway device + VLAN id → where first seen: highalert's gateway objects are named by VLAN. */
  const onGateway = new Map<string, Path>();
  for (const [site, sp] of ctx.entries(['sites'])) {
    const ids = new Map<number, Path>();
    for (const [v, p] of ctx.entries([...sp, 'vlans'])) {
      const label = `VLAN ${typeof v.id === 'number' ? v.id : '?'} of site '${str(site.name) ?? '?'}'`;
      if (typeof v.id === 'number') {
        const first = ids.get(v.id);
        if (first)
          ctx.error(
            [...p, 'id'],
            `VLAN ${v.id} is defined twice in this site (first at ${formatPath(first)})`,
          );
        else ids.set(v.id, p);
      }
      ctx.name([...p, 'name'], v.name, 'VLAN name');
      const subnet = ctx.cidr([...p, 'subnet'], v.subnet);
      const gw = obj(v.gateway);
      if (gw && typeof gw.device === 'string' && typeof v.id === 'number') {
        const key = `${gw.device}\u0000${v.id}`;
        const first = onGateway.get(key);
        if (first && formatPath(first.slice(0, 2)) !== formatPath(sp))
          ctx.error(
            [...p, 'id'],
            `VLAN ${v.id} on gateway '${gw.device}' is also used at ${formatPath(first)}: the gateway's High-Alert objects (HA-PBR-${v.id}, HA-HOLD-${v.id}) are named by VLAN, so two sites cannot share a VLAN id on one gateway`,
          );
        else if (!first) onGateway.set(key, p);
      }
      if (gw) {
        ctx.deviceRef([...p, 'gateway', 'device'], gw.device, 'gateway');
        ctx.iface([...p, 'gateway', 'interface'], gw.interface);
        const ip = ctx.ip([...p, 'gateway', 'ip'], gw.ip);
        if (ip && subnet && !cidrContains(subnet, ip)) {
          ctx.error(
            [...p, 'gateway', 'ip'],
            `gateway address ${ip} is not inside the VLAN subnet ${subnet.text}`,
          );
        }
      }
      list(v.access_switches).forEach((sw, i) => ctx.deviceRef([...p, 'access_switches', i], sw, 'access'));

      let normal: IpRange | undefined;
      const normalText = str(v.normal_pool);
      if (normalText !== undefined) {
        const r = parseIpRange(normalText);
        if (typeof r === 'string') ctx.error([...p, 'normal_pool'], r);
        else if (!subnet || poolInSubnet(ctx, [...p, 'normal_pool'], r, subnet, 'normal pool')) normal = r;
      }

      let high: IpRange | undefined;
      let extra: Cidr | undefined;
      const hp: Path = [...p, 'high_alert_pool'];
      const highText = str(v.high_alert_pool);
      const highObj = obj(v.high_alert_pool);
      if (highText !== undefined) {
        const r = parseIpRange(highText);
        if (typeof r === 'string') ctx.error(hp, r);
        else if (!subnet || poolInSubnet(ctx, hp, r, subnet, 'High-Alert pool')) high = r;
      } else if (highObj) {
        extra = ctx.cidr([...hp, 'subnet'], highObj.subnet);
        const gwIp =
          highObj.gateway_ip === undefined ? undefined : ctx.ip([...hp, 'gateway_ip'], highObj.gateway_ip);
        if (extra && subnet && extra.version !== subnet.version) {
          ctx.error(
            [...hp, 'subnet'],
            `High-Alert subnet ${extra.text} is IPv${extra.version} but the VLAN subnet ${subnet.text} is IPv${subnet.version}`,
          );
        } else if (extra && (highObj.gateway_ip === undefined || gwIp)) {
          if (gwIp && !cidrContains(extra, gwIp)) {
            ctx.error([...hp, 'gateway_ip'], `${gwIp} is not inside the High-Alert subnet ${extra.text}`);
          } else {
            const d = dedicatedPool(extra, gwIp);
            if (typeof d === 'string') ctx.error([...hp, 'subnet'], d);
            else high = d.range;
          }
        }
      }
      if (normal && high && rangesOverlap(normal, high)) {
        ctx.error(
          hp,
          `High-Alert pool overlaps the normal pool ${normal.first}-${normal.last}; they must not share addresses`,
        );
      }
      const gwIp = tryParseIp(str(gw?.ip) ?? '');
      if (gwIp && normal && rangeContains(normal, gwIp)) {
        ctx.error([...p, 'gateway', 'ip'], `gateway address ${gwIp} is inside the normal pool`);
      }
      if (gwIp && high && rangeContains(high, gwIp)) {
        ctx.error([...p, 'gateway', 'ip'], `gateway address ${gwIp} is inside the High-Alert pool`);
      }

      const monitor = obj(v.monitor);
      const monitorIp = monitor
        ? ctx.ip([...p, 'monitor', 'ip'], monitor.ip)
        : tryParseIp(str(obj(ctx.root.monitor)?.ip) ?? '');
      const monitorPath: Path = monitor ? [...p, 'monitor', 'ip'] : ['monitor', 'ip'];
      if (monitorIp && high && rangeContains(high, monitorIp)) {
        ctx.error(monitorPath, `monitoring server ${monitorIp} is inside the High-Alert pool of ${label}`);
      }
      if (monitorIp && subnet && high && ipVersion(monitorIp) !== subnet.version) {
        ctx.error(
          monitor ? monitorPath : hp,
          `${label} is IPv${subnet.version}; its High-Alert traffic needs an IPv${subnet.version} monitor next hop (set monitor.ip on the VLAN)`,
        );
      }

      const dhcp = obj(v.dhcp);
      const server = str(dhcp?.server);
      if (dhcp && server !== undefined) {
        const entry = ctx.dhcpServers.get(server);
        if (!entry) {
          const known = [...ctx.dhcpServers.keys()];
          ctx.error(
            [...p, 'dhcp', 'server'],
            `unknown DHCP server '${server}'${known.length ? ` (dhcp_servers: ${known.join(', ')})` : ''}`,
          );
        } else if (entry.raw.backend === 'kea') {
          if (dhcp.subnet_id === undefined)
            ctx.error([...p, 'dhcp'], `missing 'subnet_id' (the Kea subnet id for ${label})`);
          else {
            const key = `${server}/${String(dhcp.subnet_id)}`;
            const first = dhcpPairs.get(key);
            if (first)
              ctx.error(
                [...p, 'dhcp', 'subnet_id'],
                `Kea subnet id ${String(dhcp.subnet_id)} is already used by ${first}`,
              );
            else dhcpPairs.set(key, label);
          }
        }
      }
      all.push({ path: p, label, subnet, extra });
    }
  }
  // Subnets of different VLANs (and dedicated High-Alert subnets) must not overlap.
  const prefixes: { path: Path; label: string; cidr: Cidr }[] = [];
  for (const v of all) {
    if (v.subnet) prefixes.push({ path: [...v.path, 'subnet'], label: v.label, cidr: v.subnet });
    if (v.extra)
      prefixes.push({
        path: [...v.path, 'high_alert_pool', 'subnet'],
        label: `the High-Alert subnet of ${v.label}`,
        cidr: v.extra,
      });
  }
  for (let i = 0; i < prefixes.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = prefixes[i]!;
      const b = prefixes[j]!;
      if (rangesOverlap(cidrToRange(a.cidr), cidrToRange(b.cidr))) {
        ctx.error(a.path, `${a.cidr.text} overlaps ${b.cidr.text} (${b.label})`);
      }
    }
  }
};

const users: Rule = (ctx) => {
  const owners = new Map<Mac, { id: string; path: Path }>();
  for (const [u, p] of ctx.entries(['users'])) {
    const id = str(u.id) ?? '?';
    list(u.macs).forEach((m, i) => {
      const mp = [...p, 'macs', i];
      const mac = ctx.mac(mp, m);
      if (!mac) return;
      const owner = owners.get(mac);
      if (owner && owner.id !== id)
        ctx.error(mp, `MAC ${mac} already belongs to user '${owner.id}' (${formatPath(owner.path)})`);
      else if (owner) ctx.error(mp, `MAC ${mac} is listed twice for user '${id}'`);
      else owners.set(mac, { id, path: mp });
    });
    if (u.switch !== undefined) ctx.deviceRef([...p, 'switch'], u.switch, 'access');
    if (u.port !== undefined) {
      const port = ctx.iface([...p, 'port'], u.port);
      if (u.switch === undefined) ctx.error([...p, 'port'], "a port needs the 'switch' it is on");
      const dev = ctx.devices.get(str(u.switch) ?? '');
      const prot = list(dev?.raw.protected_ports).map((x) => tryParseInterface(str(x) ?? ''));
      if (port && prot.includes(port as ReturnType<typeof tryParseInterface>)) {
        ctx.error([...p, 'port'], `${port} is a protected port (uplink/trunk) of '${String(u.switch)}'`);
      }
    }
  }
};

const protectedList: Rule = (ctx) => {
  const prot = obj(ctx.root.protected);
  if (!prot) return;
  list(prot.macs).forEach((m, i) => ctx.mac(['protected', 'macs', i], m));
  list(prot.ips).forEach((v, i) => {
    const s = str(v);
    if (s === undefined) return;
    if (s.includes('/')) ctx.cidr(['protected', 'ips', i], s);
    else ctx.ip(['protected', 'ips', i], s);
  });
  for (const [entry, p] of ctx.entries(['protected', 'ports'])) {
    ctx.deviceRef([...p, 'device'], entry.device);
    ctx.iface([...p, 'port'], entry.port);
  }
};

export const RULES: readonly Rule[] = [
  uniqueNames(['devices'], 'name', 'device'),
  uniqueNames(['dhcp_servers'], 'name', 'DHCP server'),
  uniqueNames(['sites'], 'name', 'site'),
  uniqueNames(['users'], 'id', 'user'),
  devices,
  credentials,
  monitorAndController,
  dhcpServers,
  sites,
  users,
  protectedList,
];

/** Runs every rule; returns errors and warnings in file order. */
export function checkRules(data: unknown, locator: Locator): InventoryIssue[] {
  const ctx = new RuleContext(data, locator);
  for (const rule of RULES) rule(ctx);
  return ctx.issues;
}
