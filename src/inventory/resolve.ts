/**
 * Builds the immutable ResolvedInventory from data that passed the schema and the rules: canonical
 * values, defaults merged per device, paths made absolute, secrets kept as references.
 */
import os from 'node:os';
import path from 'node:path';
import {
  cidrContains,
  parseCidr,
  parseDeviceName,
  parseInterface,
  parseIp,
  parseMac,
  rangeSize,
  sameInterface,
  tryParseIp,
  type Cidr,
  type IpAddress,
  type Mac,
} from '../values/index.js';
import { parseDuration } from '../values/duration.js';
import { dedicatedPool, parseIpRange } from './pools.js';
import { classifySecret, envSecret, fileSecret, plainSecret } from './secrets.js';
import { list, obj, str } from './rules.js';
import type {
  DeviceRole,
  HighAlertPool,
  PolicySettings,
  ResolvedCredential,
  ResolvedDevice,
  ResolvedDhcpServer,
  ResolvedInventory,
  ResolvedSite,
  ResolvedUser,
  ResolvedVlan,
  SecretRef,
  SshSettings,
} from './types.js';

type Obj = Record<string, unknown>;

export const DEFAULT_SSH = {
  known_hosts: './known_hosts',
  connect_timeout_s: 10,
  command_timeout_s: 30,
  idle_timeout_s: 120,
  keepalive_s: 15,
  max_concurrent: 8,
} as const;

export const DEFAULT_POLICY = {
  ttl: '24h',
  renew: 'port-bounce',
  bounce_pause_s: 5,
  verify_timeout_s: 90,
  auto_rate_limit: { max: 5, per_minutes: 60 },
} as const;

export const DEFAULT_COMMIT_CONFIRMED_MINUTES = 5;

/** `~/x` → home; relative → against the inventory file's folder. */
export function resolvePath(dir: string, p: string): string {
  if (p === '~' || p.startsWith('~/')) return path.join(os.homedir(), p.slice(1));
  return path.resolve(dir, p);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);

function ssh(dir: string, base: Obj, over: Obj = {}): SshSettings {
  const pick = (k: keyof typeof DEFAULT_SSH): unknown => over[k] ?? base[k] ?? DEFAULT_SSH[k];
  return {
    knownHosts: resolvePath(dir, String(pick('known_hosts'))),
    connectTimeoutS: Number(pick('connect_timeout_s')),
    commandTimeoutS: Number(pick('command_timeout_s')),
    idleTimeoutS: Number(pick('idle_timeout_s')),
    keepaliveS: Number(pick('keepalive_s')),
    maxConcurrent: Number(pick('max_concurrent')),
  };
}

function policy(p: Obj): PolicySettings {
  const ttl = str(p.ttl) ?? DEFAULT_POLICY.ttl;
  const rate = obj(p.auto_rate_limit) ?? DEFAULT_POLICY.auto_rate_limit;
  return {
    ttl,
    ttlSeconds: parseDuration(ttl, 'defaults.policy.ttl'),
    renew: (str(p.renew) ?? DEFAULT_POLICY.renew) as PolicySettings['renew'],
    bouncePauseS: num(p.bounce_pause_s, DEFAULT_POLICY.bounce_pause_s),
    verifyTimeoutS: num(p.verify_timeout_s, DEFAULT_POLICY.verify_timeout_s),
    autoRateLimit: { max: num(rate.max, 5), perMinutes: num(rate.per_minutes, 60) },
  };
}

function secret(
  dir: string,
  c: Obj,
  where: string,
  field: string,
  fileField?: string,
): SecretRef | undefined {
  const text = str(c[field]);
  if (text !== undefined) {
    const kind = classifySecret(text);
    return kind.kind === 'env' ? envSecret(kind.name) : plainSecret(`${where}.${field}`, text);
  }
  const file = fileField ? str(c[fileField]) : undefined;
  return file === undefined ? undefined : fileSecret(resolvePath(dir, file));
}

function credential(dir: string, name: string, c: Obj): ResolvedCredential {
  const where = `credentials.${name}`;
  const key = str(c.private_key);
  return {
    name,
    username: String(c.username),
    password: secret(dir, c, where, 'password', 'password_file'),
    enable: secret(dir, c, where, 'enable', 'enable_file'),
    privateKey: key === undefined ? undefined : resolvePath(dir, key),
    passphrase: secret(dir, c, where, 'passphrase'),
    agent: c.agent === true,
  };
}

function highAlertPool(raw: unknown): HighAlertPool {
  const text = str(raw);
  if (text !== undefined) {
    const range = parseIpRange(text);
    if (typeof range === 'string') throw new Error(range);
    return { kind: 'range', range, size: Number(rangeSize(range)) };
  }
  const o = obj(raw)!;
  const subnet = parseCidr(String(o.subnet));
  const gw = str(o.gateway_ip);
  const d = dedicatedPool(subnet, gw === undefined ? undefined : parseIp(gw));
  if (typeof d === 'string') throw new Error(d);
  return { kind: 'subnet', subnet, ...d };
}

/** Resolves validated data. Throws only on a bug (data the rules should have rejected). */
export function resolveInventory(data: unknown, file: string): ResolvedInventory {
  const root = obj(data)!;
  const dir = path.dirname(file);
  const defaults = obj(root.defaults) ?? {};
  const baseSsh = obj(defaults.ssh) ?? {};

  const credentials = Object.entries(obj(root.credentials) ?? {}).map(([n, c]) =>
    credential(dir, n, obj(c)!),
  );
  const credByName = new Map(credentials.map((c) => [c.name, c]));
  const prot = obj(root.protected) ?? {};
  const protectedPorts = [
    ...(function* () {
      for (const e of list(prot.ports)) {
        const o = obj(e)!;
        yield { device: parseDeviceName(String(o.device)), port: parseInterface(String(o.port)) };
      }
    })(),
  ];

  const devices: ResolvedDevice[] = list(root.devices).map((raw) => {
    const d = obj(raw)!;
    const name = parseDeviceName(String(d.name));
    const own = list(d.protected_ports).map((p) => parseInterface(String(p)));
    const extra = protectedPorts.filter((p) => p.device === name).map((p) => p.port);
    return {
      name,
      host: tryParseIp(String(d.host)) ?? String(d.host),
      port: num(d.port, 22),
      platform: 'cisco_ios',
      roles: list(d.roles).map(String) as DeviceRole[],
      credentials: credByName.get(str(d.credentials) ?? String(defaults.credentials))!,
      protectedPorts: [...new Set([...own, ...extra])],
      commitConfirmed: d.commit_confirmed === true,
      commitConfirmedMinutes: num(d.commit_confirmed_minutes, DEFAULT_COMMIT_CONFIRMED_MINUTES),
      saveConfig: d.save_config === true,
      ssh: ssh(dir, baseSsh, obj(d.ssh)),
    };
  });

  const monitorRaw = obj(root.monitor)!;
  const monitor = {
    ip: parseIp(String(monitorRaw.ip)),
    verifyAvailability: monitorRaw.verify_availability === true,
  };
  const dc = obj(root.decision_controller);

  const dhcpServers: ResolvedDhcpServer[] = list(root.dhcp_servers).map((raw) => {
    const s = obj(raw)!;
    if (s.backend === 'cisco_ios') {
      return { name: String(s.name), backend: 'cisco_ios', device: parseDeviceName(String(s.device)) };
    }
    const k = obj(s.kea)!;
    const socket = str(k.socket);
    return {
      name: String(s.name),
      backend: 'kea',
      kea: {
        url: str(k.url),
        socket: socket === undefined ? undefined : resolvePath(dir, socket),
        usernameEnv: str(k.username_env),
        passwordEnv: str(k.password_env),
      },
    };
  });

  const sites: ResolvedSite[] = list(root.sites).map((rawSite) => {
    const site = obj(rawSite)!;
    const siteName = String(site.name);
    const vlans = list(site.vlans).map((rawVlan): ResolvedVlan => {
      const v = obj(rawVlan)!;
      const gw = obj(v.gateway)!;
      const dhcp = obj(v.dhcp)!;
      const subnet = parseCidr(String(v.subnet));
      const normal = parseIpRange(String(v.normal_pool));
      if (typeof normal === 'string') throw new Error(normal);
      const vm = obj(v.monitor);
      return {
        site: siteName,
        id: Number(v.id),
        name: String(v.name),
        version: subnet.version,
        subnet,
        gateway: {
          device: parseDeviceName(String(gw.device)),
          interface: parseInterface(String(gw.interface)),
          ip: parseIp(String(gw.ip)),
        },
        accessSwitches: list(v.access_switches).map((s) => parseDeviceName(String(s))),
        normalPool: normal,
        highAlertPool: highAlertPool(v.high_alert_pool),
        dhcp: {
          server: String(dhcp.server),
          subnetId: typeof dhcp.subnet_id === 'number' ? dhcp.subnet_id : undefined,
        },
        monitorIp: vm ? parseIp(String(vm.ip)) : monitor.ip,
      };
    });
    return { name: siteName, vlans };
  });
  const vlans = sites.flatMap((s) => s.vlans);

  const users: ResolvedUser[] = list(root.users).map((raw) => {
    const u = obj(raw)!;
    const sw = str(u.switch);
    const port = str(u.port);
    return {
      id: String(u.id),
      name: str(u.name),
      macs: list(u.macs).map((m) => parseMac(String(m))),
      switch: sw === undefined ? undefined : parseDeviceName(sw),
      port: port === undefined ? undefined : parseInterface(port),
    };
  });

  const protectedIps: Cidr[] = list(prot.ips).map((x) => {
    const s = String(x);
    if (s.includes('/')) return parseCidr(s);
    const ip = parseIp(s);
    return parseCidr(`${ip}/${ip.includes(':') ? 128 : 32}`);
  });
  const protectedMacs = list(prot.macs).map((m) => parseMac(String(m)));

  const byDevice = new Map(devices.map((d) => [d.name as string, d]));
  const byServer = new Map(dhcpServers.map((s) => [s.name, s]));
  const byUser = new Map(users.map((u) => [u.id, u]));
  const byMac = new Map<Mac, ResolvedUser>();
  for (const u of users) for (const m of u.macs) byMac.set(m, u);
  const macSet = new Set(protectedMacs);
  const infraIps = new Set<string>([
    monitor.ip,
    ...vlans.map((v) => v.monitorIp),
    ...vlans.map((v) => v.gateway.ip),
    ...vlans.flatMap((v) => (v.highAlertPool.kind === 'subnet' ? [v.highAlertPool.gatewayIp] : [])),
    ...devices.map((d) => d.host),
  ]);
  const stateText = str(root.state);

  const vlanForIp = (ip: IpAddress): ResolvedVlan | undefined =>
    vlans.find(
      (v) =>
        cidrContains(v.subnet, ip) ||
        (v.highAlertPool.kind === 'subnet' && cidrContains(v.highAlertPool.subnet, ip)),
    );

  const inventory: ResolvedInventory = {
    file,
    version: 1,
    state: stateText === undefined ? undefined : resolvePath(dir, stateText),
    ssh: ssh(dir, baseSsh),
    policy: policy(obj(defaults.policy) ?? {}),
    credentials,
    devices,
    monitor,
    decisionController: dc
      ? { url: String(dc.url), authHeader: str(dc.auth_header), authEnv: str(dc.auth_env) }
      : undefined,
    dhcpServers,
    sites,
    vlans,
    users,
    protected: { macs: protectedMacs, ips: protectedIps, ports: protectedPorts },
    device: (name) => byDevice.get(name),
    dhcpServer: (name) => byServer.get(name),
    vlanForIp,
    siteForIp: (ip) => {
      const v = vlanForIp(ip);
      return v && sites.find((s) => s.name === v.site);
    },
    vlansForSwitch: (name) =>
      vlans.filter((v) => v.accessSwitches.includes(name as ResolvedVlan['accessSwitches'][number])),
    userById: (id) => byUser.get(id),
    userByMac: (mac) => byMac.get(mac),
    isProtectedMac: (mac) => macSet.has(mac),
    isProtectedIp: (ip) => infraIps.has(ip) || protectedIps.some((c) => cidrContains(c, ip)),
    isProtectedPort: (device, iface) =>
      byDevice.get(device)?.protectedPorts.some((p) => sameInterface(p, iface)) ?? false,
  };
  return deepFreeze(inventory);
}
