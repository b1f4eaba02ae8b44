/**
 * The configuration-mode interpreter: global config and the submodes the lab models
 * (interface, extended IP/MAC ACL, route-map, DHCP pool, archive). Each handler edits the
 * structured config; side effects (port bounce → DHCP) go through the device.
 */
import { parseIpAce, parseMacAce, formatIpAce, type AceParse } from './acl.js';
import { ifaceArg } from './exec-commands.js';
import { lastSeq, type DhcpPool, type InterfaceConfig, type IpAcl } from './model.js';
import {
  a as aa,
  int,
  ipv4,
  isV4,
  k as kk,
  rest,
  word,
  type ArgMatcher,
  type Args,
  type Handler,
} from './parser.js';
import type { CliSession, CmdNode, Mode, Reply } from './session.js';
import { invalid } from './session.js';
import { maskToPrefix, naturalMask, prefixMask } from './world.js';

type S = CliSession;
const k = (kw: string, children: CmdNode[] = [], run?: Handler<S, Reply>): CmdNode =>
  kk<S, Reply>(kw, children, run);
const a = (m: ArgMatcher<S>, key: string, children: CmdNode[] = [], run?: Handler<S, Reply>): CmdNode =>
  aa<S, Reply>(m, key, children, run);
const OK: Reply = {};
/** `no KEYWORD [anything]`: IOS ignores what follows the keyword when removing a setting. */
const noSetting = (kw: string, clear: (s: S) => void): CmdNode => {
  const run = (s: S): Reply => (clear(s), OK);
  return k(kw, [a(restArg(), 'x', [], run)], run);
};
const MAX_SEQ = 2147483647;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

const nameArg = (): ArgMatcher<S> => word<S>((x) => NAME.test(x));
const dotted = /^[0-9a-f]{1,4}\.[0-9a-f]{1,4}\.[0-9a-f]{1,4}$/i;
const clientId = /^[0-9a-f]{2,4}(\.[0-9a-f]{1,4}){1,15}$/i;

function end(s: S): Reply {
  s.setMode('exec');
  return OK;
}

function exitTo(mode: Mode): (s: S) => Reply {
  return (s) => (s.setMode(mode), OK);
}

const common = (): CmdNode[] => [k('exit', [], exitTo('config')), k('end', [], end)];

function iface(s: S): InterfaceConfig {
  return s.dev.cfg.interfaces.get(s.iface!)!;
}

/** `description …` as typed (rest of line). */
const restArg = (): ArgMatcher<S> => rest<S>();

// ---- global ----

function enterInterface(s: S, args: Args): Reply {
  const name = args.v.interface!;
  if (!s.dev.cfg.interfaces.has(name)) {
    s.dev.cfg.interfaces.set(name, { name, l2: false, shutdown: false });
  }
  s.setMode('config-if');
  s.iface = name;
  return OK;
}

/** `ip access-list extended NAME` / `mac access-list extended NAME`: create if new, enter its mode. */
function enterAcl(kind: 'ip' | 'mac') {
  return (s: S, args: Args): Reply => {
    const name = args.v.name!;
    const acls: Map<string, { name: string; items: unknown[] }> =
      kind === 'ip' ? s.dev.cfg.ipAcls : s.dev.cfg.macAcls;
    if (!acls.has(name)) acls.set(name, { name, items: [] });
    s.setMode(kind === 'ip' ? 'config-ext-nacl' : 'config-ext-macl');
    s.acl = name;
    return OK;
  };
}

const enterIpAcl = enterAcl('ip');
const enterMacAcl = enterAcl('mac');

function enterRouteMap(s: S, args: Args): Reply {
  const name = args.v.name!;
  const action = args.kw.has('deny') ? 'deny' : 'permit';
  const list = s.dev.cfg.routeMaps.get(name) ?? [];
  const seq =
    args.v.seq !== undefined ? Number(args.v.seq) : list.length ? Math.min(...list.map((e) => e.seq)) : 10;
  let e = list.find((x) => x.seq === seq);
  if (!e) {
    e = { action, seq, matchIpAddress: [], setNextHop: [], verifyAvailability: false };
    list.push(e);
  } else if (args.kw.has('deny') || args.kw.has('permit')) {
    e.action = action;
  }
  s.dev.cfg.routeMaps.set(name, list);
  s.setMode('config-route-map');
  s.routeMap = { name, seq };
  return OK;
}

function noRouteMap(s: S, args: Args): Reply {
  const name = args.v.name!;
  const list = s.dev.cfg.routeMaps.get(name);
  if (!list) return OK;
  if (args.v.seq === undefined && !args.kw.has('permit') && !args.kw.has('deny')) {
    s.dev.cfg.routeMaps.delete(name);
    return OK;
  }
  const seq = args.v.seq !== undefined ? Number(args.v.seq) : undefined;
  const left = list.filter((e) => (seq !== undefined ? e.seq !== seq : false));
  if (left.length) s.dev.cfg.routeMaps.set(name, left);
  else s.dev.cfg.routeMaps.delete(name);
  return OK;
}

function enterPool(s: S, args: Args): Reply {
  const name = args.v.name!;
  if (!s.dev.cfg.dhcpPools.has(name))
    s.dev.cfg.dhcpPools.set(name, { name, defaultRouter: [], dnsServer: [] });
  s.setMode('dhcp-config');
  s.pool = name;
  return OK;
}

function excluded(s: S, args: Args, remove: boolean): Reply {
  const from = args.v.from!;
  const to = args.v.to;
  const list = s.dev.cfg.dhcpExcluded;
  const i = list.findIndex((e) => e.from === from && (e.to ?? undefined) === to);
  if (remove) {
    if (i >= 0) list.splice(i, 1);
  } else if (i < 0) {
    list.push(to === undefined ? { from } : { from, to });
  }
  return OK;
}

const routeMapHead = (run: (s: S, a: Args) => Reply): CmdNode[] => [
  a(
    nameArg(),
    'name',
    [
      k('permit', [a(int(0, 65535), 'seq', [], run)], run),
      k('deny', [a(int(0, 65535), 'seq', [], run)], run),
    ],
    run,
  ),
];

export function configTree(): CmdNode[] {
  const ifCreate = ifaceArg({ create: /^(Vlan|Loopback)\d+$/ });
  return [
    k('hostname', [a(word(), 'name', [], (s, x) => ((s.dev.cfg.hostname = x.v.name!), OK))]),
    k('interface', [a(ifCreate, 'interface', [], enterInterface)]),
    k('ip', [
      k('access-list', [k('extended', [a(nameArg(), 'name', [], enterIpAcl)])]),
      k('dhcp', [
        k('pool', [a(nameArg(), 'name', [], enterPool)]),
        k('excluded-address', [
          a(ipv4(), 'from', [a(ipv4(), 'to', [], (s, x) => excluded(s, x, false))], (s, x) =>
            excluded(s, x, false),
          ),
        ]),
        k('snooping', [k('vlan', [a(word(), 'vlans', [], () => OK)])], () => OK),
      ]),
      k('routing', [], () => OK),
    ]),
    k('mac', [k('access-list', [k('extended', [a(nameArg(), 'name', [], enterMacAcl)])])]),
    k('route-map', routeMapHead(enterRouteMap)),
    k('archive', [], (s) => {
      s.dev.cfg.archive ??= { writeMemory: false };
      s.setMode('config-archive');
      return OK;
    }),
    k('enable', [
      k('secret', [a(restArg(), 'x', [], () => OK)]),
      k('password', [a(restArg(), 'x', [], () => OK)]),
    ]),
    k('no', [
      k('interface', [
        a(ifaceArg(), 'interface', [], (s, x) => {
          const n = x.v.interface!;
          if (/^(Vlan|Loopback)/.test(n)) s.dev.cfg.interfaces.delete(n);
          else return { lines: ['% Removal of physical interfaces is not permitted', ''] };
          return OK;
        }),
      ]),
      k('ip', [
        k('access-list', [
          k('extended', [a(nameArg(), 'name', [], (s, x) => (s.dev.cfg.ipAcls.delete(x.v.name!), OK))]),
        ]),
        k('dhcp', [
          k('pool', [a(nameArg(), 'name', [], (s, x) => (s.dev.cfg.dhcpPools.delete(x.v.name!), OK))]),
          k('excluded-address', [
            a(ipv4(), 'from', [a(ipv4(), 'to', [], (s, x) => excluded(s, x, true))], (s, x) =>
              excluded(s, x, true),
            ),
          ]),
        ]),
      ]),
      k('mac', [
        k('access-list', [
          k('extended', [a(nameArg(), 'name', [], (s, x) => (s.dev.cfg.macAcls.delete(x.v.name!), OK))]),
        ]),
      ]),
      k('route-map', routeMapHead(noRouteMap)),
      k('archive', [], (s) => (delete s.dev.cfg.archive, OK)),
    ]),
    k('end', [], end),
    k('exit', [], exitTo('exec')),
  ];
}

// ---- interface ----

function onlyL2(run: (s: S, x: Args) => Reply): (s: S, x: Args) => Reply {
  return (s, x) => {
    if (!iface(s).l2) {
      const kwStart = x.line.search(/\S/);
      return invalid(s.prompt().length, kwStart);
    }
    return run(s, x);
  };
}

function onlyL3(run: (s: S, x: Args) => Reply): (s: S, x: Args) => Reply {
  return (s, x) => {
    if (iface(s).l2) return invalid(s.prompt().length, x.line.search(/\S/));
    return run(s, x);
  };
}

function setShut(s: S, shut: boolean): Reply {
  const lines = s.dev.setShutdown(s.iface!, shut);
  return { lines };
}

function interfaceTree(): CmdNode[] {
  const dir = (run: (s: S, x: Args) => Reply): CmdNode[] => [k('in', [], run), k('out', [], run)];
  const setGroup = (s: S, x: Args): Reply => {
    const i = iface(s);
    if (x.kw.has('out')) i.ipAccessGroupOut = x.v.name!;
    else i.ipAccessGroupIn = x.v.name!;
    return OK;
  };
  const noGroup = (s: S, x: Args): Reply => {
    const i = iface(s);
    if (x.kw.has('out')) delete i.ipAccessGroupOut;
    else delete i.ipAccessGroupIn;
    return OK;
  };
  const macGroup = onlyL2((s, x) => ((iface(s).macAccessGroupIn = x.v.name!), OK));
  const noMacGroup = (s: S): Reply => (delete iface(s).macAccessGroupIn, OK);
  return [
    k('description', [
      a(restArg(), 'text', [], (s, x) => ((iface(s).description = x.v.text!.slice(0, 240)), OK)),
    ]),
    k('shutdown', [], (s) => setShut(s, true)),
    k(
      'switchport',
      [
        k('mode', [
          k(
            'access',
            [],
            onlyL2((s) => ((iface(s).switchportMode = 'access'), OK)),
          ),
          k(
            'trunk',
            [],
            onlyL2((s) => ((iface(s).switchportMode = 'trunk'), OK)),
          ),
        ]),
        k('access', [
          k('vlan', [
            a(
              int(1, 4094),
              'vlan',
              [],
              onlyL2((s, x) => ((iface(s).accessVlan = Number(x.v.vlan)), OK)),
            ),
          ]),
        ]),
        k('trunk', [
          k('allowed', [
            k('vlan', [
              a(
                word(),
                'vlans',
                [],
                onlyL2((s, x) => ((iface(s).trunkAllowed = x.v.vlans!), OK)),
              ),
            ]),
          ]),
        ]),
      ],
      onlyL2(() => OK),
    ),
    k('ip', [
      k('access-group', [a(nameArg(), 'name', dir(setGroup))]),
      k('address', [
        a(ipv4(), 'ip', [
          a(
            ipv4(),
            'mask',
            [],
            onlyL3((s, x) => ((iface(s).ipAddress = { ip: x.v.ip!, mask: x.v.mask! }), OK)),
          ),
        ]),
      ]),
      k('policy', [
        k('route-map', [
          a(
            nameArg(),
            'name',
            [],
            onlyL3((s, x) => ((iface(s).ipPolicyRouteMap = x.v.name!), OK)),
          ),
        ]),
      ]),
    ]),
    k('mac', [k('access-group', [a(nameArg(), 'name', [k('in', [], macGroup)])])]),
    k('spanning-tree', [k('portfast', [], (s) => ((iface(s).portfast = true), OK))]),
    k('no', [
      k(
        'description',
        [a(restArg(), 'text', [], (s) => (delete iface(s).description, OK))],
        (s) => (delete iface(s).description, OK),
      ),
      k('shutdown', [], (s) => setShut(s, false)),
      k('switchport', [
        k('mode', [], (s) => (delete iface(s).switchportMode, OK)),
        k('access', [k('vlan', [], (s) => (delete iface(s).accessVlan, OK))]),
        k('trunk', [k('allowed', [k('vlan', [], (s) => (delete iface(s).trunkAllowed, OK))])]),
      ]),
      k('ip', [
        k('access-group', [a(nameArg(), 'name', dir(noGroup)), ...dir(noGroup)]),
        k(
          'address',
          [a(ipv4(), 'ip', [a(ipv4(), 'mask', [], (s) => (delete iface(s).ipAddress, OK))])],
          (s) => (delete iface(s).ipAddress, OK),
        ),
        k('policy', [
          k(
            'route-map',
            [a(nameArg(), 'name', [], (s) => (delete iface(s).ipPolicyRouteMap, OK))],
            (s) => (delete iface(s).ipPolicyRouteMap, OK),
          ),
        ]),
      ]),
      k('mac', [
        k('access-group', [
          a(nameArg(), 'name', [k('in', [], noMacGroup)], noMacGroup),
          k('in', [], noMacGroup),
        ]),
      ]),
      k('spanning-tree', [k('portfast', [], (s) => (delete iface(s).portfast, OK))]),
    ]),
    ...common(),
  ];
}

// ---- extended IP ACL ----

function ipAcl(s: S): IpAcl {
  return s.dev.cfg.ipAcls.get(s.acl!)!;
}

/** Offsets from the ACE parser are relative to `text`; `base` is where `text` starts in the line. */
function aceError(s: S, r: Exclude<AceParse<unknown>, { ok: true }>, base: number): Reply {
  if ('incomplete' in r) return { lines: ['% Incomplete command.', ''] };
  return invalid(s.prompt().length, base + r.offset);
}

function addAce(s: S, x: Args, seqText: string | undefined): Reply {
  const text = x.v.ace!;
  const base = x.line.indexOf(text);
  const r = parseIpAce(text);
  if (!r.ok) return aceError(s, r, base);
  const acl = ipAcl(s);
  const norm = formatIpAce(r.ace);
  const dup = acl.items.find((i) => i.kind === 'ace' && formatIpAce(i.ace) === norm);
  if (seqText === undefined) {
    if (dup) return OK;
    const seq = lastSeq(acl) + 10;
    if (seq > MAX_SEQ) return { lines: ['Exceeded maximum sequence number.'] };
    acl.items.push({ kind: 'ace', seq, ace: r.ace });
    return OK;
  }
  const seq = Number(seqText);
  if (acl.items.some((i) => i.kind === 'ace' && i.seq === seq))
    return { lines: ['Duplicate sequence number.'] };
  if (dup) return { lines: ['% Duplicate entry'] };
  const after = acl.items.findIndex((i) => i.kind === 'ace' && i.seq > seq);
  let at = after < 0 ? acl.items.length : after;
  while (at > 0 && acl.items[at - 1]!.kind === 'remark') at--;
  acl.items.splice(at, 0, { kind: 'ace', seq, ace: r.ace });
  return OK;
}

function removeSeq(s: S, seq: number): Reply {
  const acl = ipAcl(s);
  const i = acl.items.findIndex((it) => it.kind === 'ace' && it.seq === seq);
  if (i < 0) return OK;
  let from = i;
  while (from > 0 && acl.items[from - 1]!.kind === 'remark') from--;
  acl.items.splice(from, i - from + 1);
  return OK;
}

function removeAce(s: S, x: Args): Reply {
  const text = x.v.ace!;
  const r = parseIpAce(text);
  if (!r.ok) return aceError(s, r, x.line.indexOf(text));
  const acl = ipAcl(s);
  const norm = formatIpAce(r.ace);
  const hit = acl.items.find((i) => i.kind === 'ace' && formatIpAce(i.ace) === norm);
  if (hit && hit.kind === 'ace') return removeSeq(s, hit.seq);
  return OK;
}

const aceArg = (): ArgMatcher<S> => rest<S>();
const permitDeny = (run: (s: S, x: Args) => Reply): CmdNode[] => [
  { kw: 'permit', children: [a(aceArg(), 'ace', [], run)] },
  { kw: 'deny', children: [a(aceArg(), 'ace', [], run)] },
];

/** The ACE text includes the action keyword, so re-slice from the keyword. */
function withAction(run: (s: S, x: Args) => Reply): (s: S, x: Args) => Reply {
  return (s, x) => {
    const m = /^\s*(?:no\s+)?(?:\d+\s+)?/i.exec(x.line)!;
    const ace = x.line.slice(m[0].length).trimEnd();
    return run(s, { ...x, v: { ...x.v, ace } });
  };
}

function ipAclTree(): CmdNode[] {
  const seqArg = int<S>(1, MAX_SEQ);
  return [
    a(seqArg, 'seq', permitDeny(withAction((s, x) => addAce(s, x, x.v.seq)))),
    ...permitDeny(withAction((s, x) => addAce(s, x, undefined))),
    k('remark', [
      a(restArg(), 'text', [], (s, x) => {
        ipAcl(s).items.push({ kind: 'remark', text: x.v.text!.slice(0, 100) });
        return OK;
      }),
    ]),
    k('no', [
      a(seqArg, 'seq', [], (s, x) => removeSeq(s, Number(x.v.seq))),
      ...permitDeny(withAction(removeAce)),
      k('remark', [
        a(restArg(), 'text', [], (s, x) => {
          const acl = ipAcl(s);
          const i = acl.items.findIndex((it) => it.kind === 'remark' && it.text === x.v.text);
          if (i >= 0) acl.items.splice(i, 1);
          return OK;
        }),
      ]),
    ]),
    ...common(),
  ];
}

// ---- extended MAC ACL ----

function macAclTree(): CmdNode[] {
  const add = (s: S, x: Args): Reply => {
    const text = x.v.ace!;
    const r = parseMacAce(text);
    if (!r.ok) return aceError(s, r, x.line.indexOf(text));
    const acl = s.dev.cfg.macAcls.get(s.acl!)!;
    if (!acl.items.some((i) => i.action === r.ace.action && i.body === r.ace.body)) acl.items.push(r.ace);
    return OK;
  };
  const remove = (s: S, x: Args): Reply => {
    const text = x.v.ace!;
    const r = parseMacAce(text);
    if (!r.ok) return aceError(s, r, x.line.indexOf(text));
    const acl = s.dev.cfg.macAcls.get(s.acl!)!;
    acl.items = acl.items.filter((i) => !(i.action === r.ace.action && i.body === r.ace.body));
    return OK;
  };
  return [...permitDeny(withAction(add)), k('no', permitDeny(withAction(remove))), ...common()];
}

// ---- route-map ----

function rmEntry(s: S) {
  const r = s.routeMap!;
  return s.dev.cfg.routeMaps.get(r.name)!.find((e) => e.seq === r.seq)!;
}

function routeMapTree(): CmdNode[] {
  const names = (): ArgMatcher<S> =>
    rest<S>((t) => (t.split(/\s+/).every((n) => NAME.test(n)) ? undefined : 0));
  const hops = (): ArgMatcher<S> =>
    rest<S>((t) => {
      let off = 0;
      for (const p of t.split(' ')) {
        if (p !== '' && !isV4(p)) return off;
        off += p.length + 1;
      }
      return undefined;
    });
  return [
    k('match', [
      k('ip', [
        k('address', [
          a(names(), 'names', [], (s, x) => {
            const e = rmEntry(s);
            for (const n of x.v.names!.split(/\s+/))
              if (!e.matchIpAddress.includes(n)) e.matchIpAddress.push(n);
            return OK;
          }),
        ]),
      ]),
    ]),
    k('set', [
      k('ip', [
        k('next-hop', [
          k('verify-availability', [], (s) => ((rmEntry(s).verifyAvailability = true), OK)),
          a(hops(), 'hops', [], (s, x) => {
            const e = rmEntry(s);
            for (const h of x.v.hops!.split(/\s+/)) if (!e.setNextHop.includes(h)) e.setNextHop.push(h);
            return OK;
          }),
        ]),
      ]),
    ]),
    k('description', [a(restArg(), 'text', [], (s, x) => ((rmEntry(s).description = x.v.text!), OK))]),
    k('no', [
      k('match', [
        k('ip', [
          k(
            'address',
            [
              a(names(), 'names', [], (s, x) => {
                const e = rmEntry(s);
                const drop = x.v.names!.split(/\s+/);
                e.matchIpAddress = e.matchIpAddress.filter((n) => !drop.includes(n));
                return OK;
              }),
            ],
            (s) => ((rmEntry(s).matchIpAddress = []), OK),
          ),
        ]),
      ]),
      k('set', [
        k('ip', [
          k(
            'next-hop',
            [
              k('verify-availability', [], (s) => ((rmEntry(s).verifyAvailability = false), OK)),
              a(hops(), 'hops', [], (s, x) => {
                const e = rmEntry(s);
                const drop = x.v.hops!.split(/\s+/);
                e.setNextHop = e.setNextHop.filter((h) => !drop.includes(h));
                return OK;
              }),
            ],
            (s) => ((rmEntry(s).setNextHop = []), OK),
          ),
        ]),
      ]),
      k('description', [], (s) => (delete rmEntry(s).description, OK)),
    ]),
    ...common(),
  ];
}

// ---- DHCP pool ----

function pool(s: S): DhcpPool {
  return s.dev.cfg.dhcpPools.get(s.pool!)!;
}

const maskOrPrefix = (): ArgMatcher<S> => (toks, i) => {
  const t = toks[i]!;
  if (isV4(t.text)) return { ok: true, value: t.text, n: 1 };
  const m = /^\/(\d{1,2})$/.exec(t.text);
  if (m && Number(m[1]) <= 32) return { ok: true, value: prefixMask(Number(m[1])), n: 1 };
  return { ok: false, offset: t.start };
};

function dhcpTree(): CmdNode[] {
  const setHost = (s: S, x: Args): Reply => {
    const p = pool(s);
    if (p.network) return { lines: ['% A network has already been configured for this pool.'] };
    p.host = { ip: x.v.ip!, mask: x.v.mask ?? naturalMask(x.v.ip!) };
    return OK;
  };
  const setNetwork = (s: S, x: Args): Reply => {
    const p = pool(s);
    if (p.host) return { lines: ['% A host address has already been configured for this pool.'] };
    const mask = x.v.mask ?? naturalMask(x.v.ip!);
    p.network = { ip: x.v.ip!, mask: prefixMask(maskToPrefix(mask)) };
    return OK;
  };
  const ips = (): ArgMatcher<S> =>
    rest<S>((t) => {
      let off = 0;
      for (const p of t.split(' ')) {
        if (p !== '' && !isV4(p)) return off;
        off += p.length + 1;
      }
      return undefined;
    });
  return [
    k('network', [a(ipv4(), 'ip', [a(maskOrPrefix(), 'mask', [], setNetwork)], setNetwork)]),
    k('host', [a(ipv4(), 'ip', [a(maskOrPrefix(), 'mask', [], setHost)], setHost)]),
    k('hardware-address', [
      a(
        word((t) => dotted.test(t)),
        'hw',
        [
          k('ethernet', [], (s, x) => ((pool(s).hardwareAddress = x.v.hw!.toLowerCase()), OK)),
          a(int(0, 255), 'type', [], (s, x) => ((pool(s).hardwareAddress = x.v.hw!.toLowerCase()), OK)),
        ],
        (s, x) => ((pool(s).hardwareAddress = x.v.hw!.toLowerCase()), OK),
      ),
    ]),
    k('client-identifier', [
      a(
        word((t) => clientId.test(t)),
        'id',
        [],
        (s, x) => ((pool(s).clientIdentifier = x.v.id!.toLowerCase()), OK),
      ),
    ]),
    k('default-router', [
      a(ips(), 'ips', [], (s, x) => ((pool(s).defaultRouter = x.v.ips!.split(/\s+/)), OK)),
    ]),
    k('dns-server', [a(ips(), 'ips', [], (s, x) => ((pool(s).dnsServer = x.v.ips!.split(/\s+/)), OK))]),
    k('domain-name', [a(word(), 'name', [], (s, x) => ((pool(s).domainName = x.v.name!), OK))]),
    k('lease', [
      k('infinite', [], (s) => ((pool(s).lease = 'infinite'), OK)),
      a(
        rest<S>((t) => (/^\d{1,3}( \d{1,2}( \d{1,2})?)?$/.test(t) ? undefined : 0)),
        'lease',
        [],
        (s, x) => ((pool(s).lease = x.v.lease!), OK),
      ),
    ]),
    k('no', [
      noSetting('network', (s) => {
        delete pool(s).network;
      }),
      noSetting('host', (s) => {
        delete pool(s).host;
      }),
      noSetting('hardware-address', (s) => {
        delete pool(s).hardwareAddress;
      }),
      noSetting('client-identifier', (s) => {
        delete pool(s).clientIdentifier;
      }),
      noSetting('default-router', (s) => {
        pool(s).defaultRouter = [];
      }),
      noSetting('dns-server', (s) => {
        pool(s).dnsServer = [];
      }),
      noSetting('domain-name', (s) => {
        delete pool(s).domainName;
      }),
      noSetting('lease', (s) => {
        delete pool(s).lease;
      }),
    ]),
    ...common(),
  ];
}

// ---- archive ----

function archiveTree(): CmdNode[] {
  const arch = (s: S) => (s.dev.cfg.archive ??= { writeMemory: false });
  return [
    k('path', [a(word(), 'path', [], (s, x) => ((arch(s).path = x.v.path!), OK))]),
    k('write-memory', [], (s) => ((arch(s).writeMemory = true), OK)),
    k('maximum', [a(int(1, 14), 'n', [], (s, x) => ((arch(s).maximum = Number(x.v.n)), OK))]),
    k('time-period', [a(int(1, 525600), 'n', [], (s, x) => ((arch(s).timePeriod = Number(x.v.n)), OK))]),
    k('no', [
      noSetting('path', (s) => {
        delete arch(s).path;
      }),
      k('write-memory', [], (s) => ((arch(s).writeMemory = false), OK)),
      noSetting('maximum', (s) => {
        delete arch(s).maximum;
      }),
      noSetting('time-period', (s) => {
        delete arch(s).timePeriod;
      }),
    ]),
    ...common(),
  ];
}

export function subTrees(): Partial<Record<Mode, CmdNode[]>> {
  return {
    'config-if': interfaceTree(),
    'config-ext-nacl': ipAclTree(),
    'config-ext-macl': macAclTree(),
    'config-route-map': routeMapTree(),
    'dhcp-config': dhcpTree(),
    'config-archive': archiveTree(),
  };
}
