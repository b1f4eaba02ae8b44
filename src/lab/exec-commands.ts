/** User and privileged EXEC command trees: enable, terminal, configure, show, write, copy. */
import { tryParseInterface, tryParseMac, macToIos } from '../values/index.js';
import { a as aa, int, ipv4, k as kk, word, type ArgMatcher, type Args, type Handler } from './parser.js';
import type { CliSession, CmdNode, Reply } from './session.js';
import * as show from './show.js';
import { renderInterfaceConfig, renderRunningConfig } from './running-config.js';

type S = CliSession;
const k = (kw: string, children: CmdNode[] = [], run?: Handler<S, Reply>): CmdNode =>
  kk<S, Reply>(kw, children, run);
const a = (m: ArgMatcher<S>, key: string, children: CmdNode[] = [], run?: Handler<S, Reply>): CmdNode =>
  aa<S, Reply>(m, key, children, run);

export const CONFIG_BANNER = 'Enter configuration commands, one per line.  End with CNTL/Z.';

const text = (s: string): string[] => s.replace(/\n$/, '').split('\n');

/** An interface name, written `gi1/0/5`, `g 1/0/5` or `GigabitEthernet1/0/5`; must exist on the device. */
export function ifaceArg(opts: { create?: RegExp } = {}): ArgMatcher<S> {
  return (toks, i, _line, s) => {
    const t = toks[i]!;
    const tryName = (raw: string): string | undefined => tryParseInterface(raw);
    let name = tryName(t.text);
    let n = 1;
    if (name === undefined && toks[i + 1] && /^[A-Za-z-]+$/.test(t.text)) {
      name = tryName(t.text + toks[i + 1]!.text);
      n = 2;
    }
    if (name === undefined) {
      const digit = t.text.search(/\d/);
      return { ok: false, offset: t.start + (digit > 0 ? digit : 0) };
    }
    if (!s.dev.cfg.interfaces.has(name) && !(opts.create && opts.create.test(name))) {
      const last = toks[i + n - 1]!;
      const digit = last.text.search(/\d/);
      return { ok: false, offset: last.start + (digit >= 0 ? digit : 0) };
    }
    return { ok: true, value: name, n };
  };
}

const macArg: ArgMatcher<S> = (toks, i) => {
  const t = toks[i]!;
  const m = /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i.test(t.text) ? tryParseMac(t.text) : undefined;
  return m ? { ok: true, value: m, n: 1 } : { ok: false, offset: t.start };
};

function enable(s: S): Reply {
  if (s.privileged) return {};
  let tries = 0;
  const ask = (): Reply => ({
    ask: {
      prompt: 'Password: ',
      secret: true,
      onLine: (pw) => {
        if (pw === s.dev.world.enableSecret) {
          s.setMode('exec');
          return {};
        }
        tries++;
        if (tries >= 3) return { lines: ['% Bad secrets', ''] };
        return ask();
      },
    },
  });
  return ask();
}

function enterConfig(s: S): Reply {
  s.setMode('config');
  return { lines: [CONFIG_BANNER] };
}

function revertTimer(s: S, minutes: number): Reply {
  if (!s.dev.cfg.archive?.path) return { lines: ['%Please turn config archive on'] };
  const file = s.dev.armRevert(minutes);
  s.setMode('config');
  return {
    lines: [`Rollback Confirmed Change: Backing up current running config to ${file}`, '', CONFIG_BANNER],
  };
}

function save(): string[] {
  return ['Building configuration...', '[OK]'];
}

function macTable(s: S, args: Args): Reply {
  const dynamic = args.kw.has('dynamic');
  let rows = s.dev.world.macTable(s.dev, !dynamic);
  const addr = args.v.address;
  if (addr !== undefined) rows = rows.filter((r) => r.mac === macToIos(addr as never));
  const ifn = args.v.interface;
  if (ifn !== undefined) rows = rows.filter((r) => tryParseInterface(r.port) === ifn);
  const vlan = args.v.vlan;
  if (vlan !== undefined) rows = rows.filter((r) => String(r.vlan) === vlan);
  return { lines: show.showMacTable(rows) };
}

function macOptions(): CmdNode[] {
  const opts: CmdNode[] = [];
  const run = macTable;
  opts.push(
    k('dynamic', opts, run),
    k('address', [a(macArg, 'address', opts, run)]),
    k('interface', [a(ifaceArg(), 'interface', opts, run)]),
    k('vlan', [a(int(1, 4094), 'vlan', opts, run)]),
  );
  return opts;
}

function showTree(privileged: boolean): CmdNode {
  const conn = (s: S) => (name: string) => s.dev.world.connected(s.dev, name);
  const children: CmdNode[] = [
    k('version', [], (s) => ({
      lines: show.showVersion(
        s.dev.cfg.hostname,
        Math.floor((Date.now() - s.dev.bootedAt) / 60_000),
        'WS-C3750X-48P',
      ),
    })),
    k('privilege', [], (s) => ({ lines: [`Current privilege level is ${s.privileged ? 15 : 1}`] })),
    k('mac', [k('address-table', macOptions(), macTable)]),
    k('ip', [
      k('arp', [a(ipv4(), 'ip', [], (s, x) => ({ lines: arp(s, x.v.ip) }))], (s) => ({ lines: arp(s) })),
      k(
        'access-lists',
        [a(word(), 'name', [], (s, x) => ({ lines: show.showIpAccessLists(s.dev.cfg, x.v.name) }))],
        (s) => ({
          lines: show.showIpAccessLists(s.dev.cfg),
        }),
      ),
      k('dhcp', [
        k('binding', [a(ipv4(), 'ip', [], (s, x) => ({ lines: binding(s, x.v.ip) }))], (s) => ({
          lines: binding(s),
        })),
        k('snooping', [
          k('binding', [], (s) => ({ lines: show.showSnoopingBinding(s.dev.world.snooping(s.dev)) })),
        ]),
      ]),
      k('interface', [k('brief', [], (s) => ({ lines: show.showIpInterfaceBrief(s.dev.cfg, conn(s)) }))]),
    ]),
    k(
      'access-lists',
      [a(word(), 'name', [], (s, x) => ({ lines: show.showAccessLists(s.dev.cfg, x.v.name) }))],
      (s) => ({
        lines: show.showAccessLists(s.dev.cfg),
      }),
    ),
    k('interfaces', [
      k('status', [], (s) => ({ lines: show.showInterfacesStatus(s.dev.cfg, conn(s)) })),
      k('trunk', [], (s) => ({ lines: show.showInterfacesTrunk(s.dev.cfg, '1,10') })),
    ]),
    k(
      'route-map',
      [a(word(), 'name', [], (s, x) => ({ lines: show.showRouteMap(s.dev.cfg, x.v.name) }))],
      (s) => ({
        lines: show.showRouteMap(s.dev.cfg),
      }),
    ),
  ];
  if (privileged) {
    children.push(
      k(
        'running-config',
        [
          k('interface', [
            a(ifaceArg(), 'interface', [], (s, x) => ({
              lines: text(renderInterfaceConfig(s.dev.cfg.interfaces.get(x.v.interface!)!)),
            })),
          ]),
        ],
        (s) => ({ lines: text(s.dev.runningConfig()) }),
      ),
      k('startup-config', [], (s) => ({
        lines: text(renderRunningConfig(s.dev.startup, { role: s.dev.role, username: s.dev.username })).slice(
          2,
        ),
      })),
      k('archive', [], (s) => ({
        lines: show.showArchive(
          s.dev.cfg.archive,
          s.dev.archives,
          s.dev.archiveName(s.dev.archives.length + 1),
        ),
      })),
    );
  }
  return k('show', children);
}

function arp(s: S, ip?: string): string[] {
  if (s.dev.role !== 'gateway') return show.showIpArp([]).slice(0, ip ? 0 : 1);
  const rows = s.dev.world.arp().filter((r) => ip === undefined || r.ip === ip);
  if (ip !== undefined && rows.length === 0) return [];
  return show.showIpArp(rows);
}

function binding(s: S, ip?: string): string[] {
  const rows = s.dev.role === 'gateway' ? s.dev.world.dhcpBindings() : [];
  return show.showIpDhcpBinding(rows.filter((r) => ip === undefined || r.ip === ip));
}

function terminalTree(): CmdNode {
  return k('terminal', [
    k('length', [a(int(0, 512), 'n', [], (s, x) => ((s.termLength = Number(x.v.n)), {}))]),
    k('width', [a(int(0, 512), 'n', [], (s, x) => ((s.termWidth = Number(x.v.n)), {}))]),
    k('monitor', [], (s) => ((s.monitor = true), {})),
    k('no', [k('monitor', [], (s) => ((s.monitor = false), {}))]),
  ]);
}

const exitNode = (): CmdNode => k('exit', [], () => ({ close: true }));
const logoutNode = (): CmdNode => k('logout', [], () => ({ close: true }));

export function userTree(): CmdNode[] {
  return [
    k('enable', [], enable),
    k('disable', [], () => ({})),
    exitNode(),
    logoutNode(),
    k('quit', [], () => ({ close: true })),
    terminalTree(),
    showTree(false),
  ];
}

export function execTree(): CmdNode[] {
  const copyRunStart = (s: S): Reply => ({
    ask: {
      prompt: 'Destination filename [startup-config]? ',
      secret: false,
      onLine: (ans) => {
        const dest = ans.trim();
        if (dest !== '' && dest !== 'startup-config')
          return { lines: [`%Error opening flash:${dest} (Permission denied)`] };
        s.dev.save();
        return { lines: save() };
      },
    },
  });
  return [
    k('enable', [], () => ({})),
    k('disable', [], (s) => (s.setMode('user'), {})),
    exitNode(),
    logoutNode(),
    terminalTree(),
    showTree(true),
    k(
      'configure',
      [
        k(
          'terminal',
          [
            k('revert', [
              k('timer', [a(int(1, 120), 'min', [], (s, x) => revertTimer(s, Number(x.v.min)))]),
              k('idle', [a(int(1, 120), 'min', [], (s, x) => revertTimer(s, Number(x.v.min)))]),
            ]),
          ],
          enterConfig,
        ),
        k('confirm', [], (s) =>
          s.dev.cancelRevert() ? {} : { lines: ['%No Rollback Confirmed Change pending'] },
        ),
        k('revert', [
          k('now', [], (s) =>
            s.dev.rollback()
              ? { lines: ['Rollback Done'] }
              : { lines: ['%No Rollback Confirmed Change pending'] },
          ),
          k('timer', [
            a(int(1, 120), 'min', [], (s, x) => {
              if (!s.dev.revert) return { lines: ['%No Rollback Confirmed Change pending'] };
              s.dev.armRevert(Number(x.v.min));
              return {};
            }),
          ]),
        ]),
      ],
      (s) => ({
        ask: {
          prompt: 'Configuring from terminal, memory, or network [terminal]? ',
          secret: false,
          onLine: (ans) =>
            'terminal'.startsWith(ans.trim().toLowerCase())
              ? enterConfig(s)
              : { lines: ['?Must be "terminal", "memory" or "network"'] },
        },
      }),
    ),
    k(
      'write',
      [k('memory', [], (s) => (s.dev.save(), { lines: save() }))],
      (s) => (s.dev.save(), { lines: save() }),
    ),
    k('copy', [k('running-config', [k('startup-config', [], copyRunStart)])]),
    k('clear', [
      k('mac', [k('address-table', [k('dynamic', [], () => ({}))])]),
      k('ip', [
        k('dhcp', [
          k('binding', [
            k('*', [], (s) => (s.dev.role === 'gateway' && s.dev.world.clearBinding(undefined), {})),
            a(ipv4(), 'ip', [], (s, x) => (s.dev.role === 'gateway' && s.dev.world.clearBinding(x.v.ip), {})),
          ]),
        ]),
      ]),
    ]),
  ];
}
