/**
 * The simulated SFOS on the wire: envelope and texts per release, the three request carriers, 529s,
 * whole-object updates with defaults, two-sided membership, multi-name removes, rule groups, and the
 * switches that model open questions. Raw requests, so nothing of the adapter hides a behaviour.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RELEASES, SFOS_RELEASES } from '../../../src/vendors/sophos/simulator/releases.js';
import type { SophosSimulator } from '../../../src/vendors/sophos/simulator/simulator.js';
import { parseXml, type XmlNode } from '../../../src/vendors/sophos/xml.js';
import { post, rawPost, reqxml, startSim } from './helpers.js';

const sims: SophosSimulator[] = [];
afterEach(async () => {
  for (const s of sims.splice(0)) await s.stop();
});
async function sim(...args: Parameters<typeof startSim>): Promise<SophosSimulator> {
  const s = await startSim(...args);
  sims.push(s);
  return s;
}
const resp = (xml: string): XmlNode => parseXml(xml).Response as XmlNode;

const RULE = (name: string, extra = ''): string =>
  `<FirewallRule><Name>${name}</Name><IPFamily>IPv4</IPFamily><Status>Enable</Status>${extra}<NetworkPolicy><Action>Drop</Action><SourceZones><Zone>LAN</Zone></SourceZones><DestinationNetworks><Network>h1</Network></DestinationNetworks></NetworkPolicy></FirewallRule>`;

describe('src/vendors/sophos/simulator', () => {
  for (const release of SFOS_RELEASES) {
    it(`${release}: envelope attributes and the zero-record text`, async () => {
      const s = await sim(release);
      const xml = await post(s, '<Get><IPHostGroup/></Get>');
      const r = resp(xml);
      expect(r['@_APIVersion']).toBe(RELEASES[release].apiVersion);
      expect(r['@_IS_WIFI6']).toBe(release === '19.5' ? undefined : '0');
      expect(xml).toContain(`<Status>${RELEASES[release].zeroRecords}</Status>`);
      if (release === '19.5') expect(xml).toContain('Number of records Zero.');
      if (release === '22.0') expect(xml).toContain('No. of records Zero.');
    });
  }

  it('accepts reqxml urlencoded, multipart and as a GET query; 529 for unreadable XML and unknown modules', async () => {
    const s = await sim('20.0');
    const get = reqxml('<Get><FirewallRule/></Get>');
    const multipart = `--XyZ\r\nContent-Disposition: form-data; name="reqxml"\r\n\r\n${get}\r\n--XyZ--\r\n`;
    expect(await rawPost(s, multipart, 'multipart/form-data; boundary=XyZ')).toContain('LAN to WAN');
    expect(await rawPost(s, '', '', 'GET', `?reqxml=${encodeURIComponent(get)}`)).toContain('LAN to WAN');
    // A raw `&` cuts the urlencoded field short: the device cannot read the rest.
    const cut = await rawPost(
      s,
      `reqxml=${reqxml('<Get><IPHost/></Get>').replace('Get>', 'Get>&')}`,
      'application/x-www-form-urlencoded',
    );
    expect(cut).toContain('<Status code="529">Input request file is Invalid</Status>');
    expect(await post(s, '<Get><SecurityPolicy/></Get>')).toContain('Input request module is Invalid');
  });

  it('update replaces the whole object: an omitted family turns an IPv6 group into IPv4', async () => {
    const s = await sim('22.0');
    await post(
      s,
      '<Set operation="add"><IPHostGroup><Name>g6</Name><IPFamily>IPv6</IPFamily><Description>keep</Description></IPHostGroup></Set>',
    );
    const r = await post(
      s,
      '<Set operation="update"><IPHostGroup><Name>g6</Name><Description>changed</Description></IPHostGroup></Set>',
    );
    expect(r).toContain('<Status code="200">Configuration applied successfully.</Status>');
    expect(s.state.objects.IPHostGroup.get('g6')?.IPFamily).toBe('IPv4');
  });

  it('rules: Position mandatory on add; an update without it moves the rule; without destinations it blocks all', async () => {
    const s = await sim('22.0');
    await post(
      s,
      '<Set operation="add"><IPHost><Name>h1</Name><HostType>IP</HostType><IPAddress>192.0.2.1</IPAddress></IPHost></Set>',
    );
    expect(await post(s, `<Set operation="add">${RULE('r1')}</Set>`)).toContain('code="501"');
    await post(s, `<Set operation="add">${RULE('r1', '<Position>Top</Position>')}</Set>`);
    expect(s.state.rules[0]?.Name).toBe('r1');
    expect(s.wouldDrop('LAN', '192.0.2.1')).toBe(true);
    expect(s.wouldDrop('LAN', '192.0.2.2')).toBe(false);
    // Left out: Position (→ moved to the bottom) and DestinationNetworks (→ Any).
    await post(
      s,
      '<Set operation="update"><FirewallRule><Name>r1</Name><IPFamily>IPv4</IPFamily><Status>Enable</Status><NetworkPolicy><Action>Drop</Action></NetworkPolicy></FirewallRule></Set>',
    );
    expect(s.state.rules.at(-1)?.Name).toBe('r1');
    await post(
      s,
      `<Set operation="update"><FirewallRule><Name>LAN to WAN</Name><IPFamily>IPv4</IPFamily><Status>Disable</Status><Position>Top</Position><NetworkPolicy><Action>Accept</Action></NetworkPolicy></FirewallRule></Set>`,
    );
    expect(s.wouldDrop('LAN', '192.0.2.2')).toBe(true); // r1 without destinations drops everything
    // Read-back: index 0 is Top, the others After + predecessor.
    const rules = resp(await post(s, '<Get><FirewallRule/></Get>')).FirewallRule as XmlNode[];
    expect(rules[0]?.Position).toBe('Top');
    expect(rules[1]?.Position).toBe('After');
    expect((rules[1]?.After as XmlNode).Name).toEqual(rules[0]?.Name);
  });

  it('membership is two-sided, multi-name removes answer one status each, the nested-HostList remove breaks the group', async () => {
    const s = await sim('19.5');
    for (const n of ['a', 'b'])
      await post(
        s,
        `<Set operation="add"><IPHost><Name>${n}</Name><HostType>IP</HostType><IPAddress>192.0.2.9</IPAddress></IPHost></Set>`,
      );
    await post(
      s,
      '<Set operation="add"><IPHostGroup><Name>g</Name><HostList><Host>a</Host></HostList></IPHostGroup></Set>',
    );
    await post(
      s,
      '<Set operation="add"><IPHost><Name>c</Name><HostType>IP</HostType><IPAddress>192.0.2.8</IPAddress><HostGroupList><HostGroup>g</HostGroup></HostGroupList></IPHost></Set>',
    );
    const hosts = resp(await post(s, '<Get><IPHost/></Get>')).IPHost as XmlNode[];
    expect(hosts.find((h) => (h.Name as string[])[0] === 'a')?.HostGroupList).toEqual({ HostGroup: ['g'] });
    expect(s.state.objects.IPHostGroup.get('g')?.HostList).toEqual({ Host: ['a', 'c'] });
    const removed = resp(
      await post(s, '<Remove><IPHost><Name>a</Name><Name>b</Name><Name>zz</Name></IPHost></Remove>'),
    );
    const statuses = ((removed.IPHost as XmlNode[])[0]?.Status as XmlNode[]).map((x) => x['@_code']);
    expect(statuses).toEqual(['504', '200', '200']); // in use, removed, missing (false success by default)
    await post(
      s,
      '<Remove><IPHostGroup><Name>g</Name><HostList><Host>a</Host></HostList></IPHostGroup></Remove>',
    );
    expect(s.state.objects.IPHostGroup.get('g')?.HostList).toBeUndefined();
    expect(
      await post(s, '<Set operation="update"><IPHostGroup><Name>g</Name></IPHostGroup></Set>'),
    ).toContain('code="500"');
  });

  it('rule groups only grow through the API and cannot be deleted with members', async () => {
    const s = await sim('21.0');
    await post(
      s,
      '<Set operation="add"><IPHost><Name>h1</Name><HostType>IP</HostType><IPAddress>192.0.2.1</IPAddress></IPHost></Set>',
    );
    await post(s, `<Set operation="add">${RULE('r1', '<Position>Top</Position>')}</Set>`);
    expect(
      await post(s, '<Set operation="add"><FirewallRuleGroup><Name>grp</Name></FirewallRuleGroup></Set>'),
    ).toContain('code="501"');
    await post(
      s,
      '<Set operation="add"><FirewallRuleGroup><Name>grp</Name><SecurityPolicyList><SecurityPolicy>r1</SecurityPolicy></SecurityPolicyList></FirewallRuleGroup></Set>',
    );
    await post(
      s,
      '<Set operation="update"><FirewallRuleGroup><Name>grp</Name><SecurityPolicyList><SecurityPolicy>LAN to WAN</SecurityPolicy></SecurityPolicyList></FirewallRuleGroup></Set>',
    );
    expect(s.state.objects.FirewallRuleGroup.get('grp')?.SecurityPolicyList).toEqual({
      SecurityPolicy: ['r1', 'LAN to WAN'],
    });
    expect(
      await post(s, '<Remove><FirewallRuleGroup><Name>grp</Name></FirewallRuleGroup></Remove>'),
    ).toContain('code="504"');
    await post(s, '<Remove><FirewallRule><Name>r1</Name></FirewallRule></Remove>');
    expect(s.state.objects.FirewallRuleGroup.get('grp')?.SecurityPolicyList).toEqual({
      SecurityPolicy: ['LAN to WAN'],
    });
  });

  it('switches: remove of a missing object refused, in-use code 510, members detached on delete', async () => {
    const s = await sim('21.5', {
      switches: { removeMissing: 'refuse', inUseCode: 510, memberDelete: 'detach' },
    });
    expect(await post(s, '<Remove><IPHost><Name>zz</Name></IPHost></Remove>')).toContain('code="504"');
    await post(
      s,
      '<Set operation="add"><IPHost><Name>a</Name><HostType>IP</HostType><IPAddress>192.0.2.9</IPAddress></IPHost></Set>',
    );
    await post(
      s,
      '<Set operation="add"><IPHostGroup><Name>g</Name><HostList><Host>a</Host></HostList></IPHostGroup></Set>',
    );
    await post(
      s,
      `<Set operation="add"><FirewallRule><Name>r</Name><Position>Top</Position><NetworkPolicy><DestinationNetworks><Network>g</Network></DestinationNetworks></NetworkPolicy></FirewallRule></Set>`,
    );
    expect(await post(s, '<Remove><IPHostGroup><Name>g</Name></IPHostGroup></Remove>')).toContain(
      'code="510"',
    );
    expect(await post(s, '<Remove><IPHost><Name>a</Name></IPHost></Remove>')).toContain('code="200"');
    expect(s.state.objects.IPHostGroup.get('g')?.HostList).toBeUndefined();
  });
});
