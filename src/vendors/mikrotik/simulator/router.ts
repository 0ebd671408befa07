/**
 * The simulated router's configuration: its menus, pre-seeded with a realistic default firewall (accept
 * rules in `forward`, so where a block rule lands matters), and command dispatch (`menu/verb`).
 */
import type { RouterOsRelease } from '../releases.js';
import { addressListSpec, dnsStaticSpec, ruleSpec } from './menus.js';
import { seedDefconf } from './defconf.js';
import { SimTrap, Table, type SimContext, type SimReply } from './state.js';
import { project } from './query.js';

/** Router-wide settings of the simulator. */
export interface SimRouterOptions {
  /** The release played (menus, parameters, date formats). */
  release: RouterOsRelease;
  /** `/system/resource` version text, e.g. `7.19.4 (stable)`. */
  version: string;
  /** Most rows one address-list menu may hold (simulated resource limit). */
  maxEntries?: number;
  /** Accept duplicate list+address entries (configurations from before 7.21.4 or imported). */
  allowDuplicateEntries?: boolean;
  /** `/system/identity` name. */
  identity?: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** All menus and their state; changes only through `run`. */
export class SimRouter {
  private idCounter = 0x100;
  private readonly tables = new Map<string, Table>();
  private readonly startedAt = Date.now();

  constructor(private readonly o: SimRouterOptions) {
    const { release } = o;
    const ctx: SimContext = {
      v7: release.v7,
      nextId: () => `*${(this.idCounter++).toString(16).toUpperCase()}`,
      creationTime: () => {
        const d = new Date();
        const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
        return release.v7
          ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`
          : `${MONTHS[d.getMonth()] ?? 'jan'}/${pad(d.getDate())}/${d.getFullYear()} ${time}`;
      },
    };
    const limit = (): number | undefined => this.o.maxEntries;
    this.tables.set(
      '/ip/firewall/address-list',
      new Table(addressListSpec(4, limit, o.allowDuplicateEntries), ctx),
    );
    // Without the RouterOS 6 `ipv6` package there is no `/ipv6` menu at all (see releases.ts).
    if (release.ipv6) {
      this.tables.set(
        '/ipv6/firewall/address-list',
        new Table(addressListSpec(6, limit, o.allowDuplicateEntries), ctx),
      );
    }
    for (const fam of release.ipv6 ? ['ip', 'ipv6'] : ['ip']) {
      const family = fam === 'ip' ? 4 : 6;
      this.tables.set(`/${fam}/firewall/filter`, new Table(ruleSpec(false, family), ctx));
      this.tables.set(`/${fam}/firewall/raw`, new Table(ruleSpec(true, family), ctx));
    }
    this.tables.set('/ip/dns/static', new Table(dnsStaticSpec(release), ctx));
    seedDefconf(this.tables, release);
  }

  /** A menu's table (tests and the lab inspect state through it; changes go through `run`). */
  table(menu: string): Table | undefined {
    return this.tables.get(menu);
  }

  /**
   * Runs one command (`/menu/path/verb`).
   * @throws SimTrap for every refusal (unknown command, parameter, item, duplicates).
   */
  run(command: string, attrs: Record<string, string>, queries: readonly string[]): SimReply {
    const cut = command.lastIndexOf('/');
    const menu = command.slice(0, cut);
    const verb = command.slice(cut + 1);
    if (menu === '/system/resource' || menu === '/system/identity') {
      if (verb !== 'print' && verb !== 'getall') throw unknown(verb);
      return { rows: [project(this.system(menu), attrs['.proplist'])], done: {} };
    }
    const table = this.tables.get(menu);
    if (table === undefined) throw unknown(this.firstUnknownSegment(menu));
    if (queries.length > 0 && verb !== 'print' && verb !== 'getall') {
      throw new SimTrap(`unknown parameter ?${queries[0] ?? ''}`, 1);
    }
    switch (verb) {
      case 'print':
      case 'getall':
        return table.print(attrs, queries);
      case 'add':
        return table.add(attrs);
      case 'set':
        return table.set(attrs);
      case 'remove':
        return table.remove(attrs);
      case 'move':
        return table.move(attrs);
      default:
        throw unknown(verb);
    }
  }

  private system(menu: string): Record<string, string> {
    if (menu === '/system/identity') return { name: this.o.identity ?? 'MikroTik' };
    const up = Math.floor((Date.now() - this.startedAt) / 1000);
    return {
      uptime: `${up}s`,
      version: this.o.version,
      'build-time': this.o.release.v7 ? '2025-06-02 10:11:12' : 'Feb/12/2024 10:11:12',
      'free-memory': String(512 * 1024 * 1024),
      'total-memory': String(1024 * 1024 * 1024),
      cpu: 'ARM64',
      'cpu-count': '4',
      'cpu-load': '1',
      'architecture-name': 'arm64',
      'board-name': 'iocwall-lab',
      platform: 'MikroTik',
    };
  }

  private firstUnknownSegment(menu: string): string {
    const parts = menu.split('/').filter(Boolean);
    const known = [...this.tables.keys(), '/system/resource', '/system/identity'];
    for (let i = 1; i <= parts.length; i++) {
      const prefix = `/${parts.slice(0, i).join('/')}`;
      if (!known.some((k) => k === prefix || k.startsWith(`${prefix}/`))) return parts[i - 1] ?? '';
    }
    return parts.at(-1) ?? '';
  }
}

function unknown(word: string): SimTrap {
  return new SimTrap(`no such command or directory (${word})`, 0);
}
