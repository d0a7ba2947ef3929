// The pod network with the real CNI plugins (/usr/lib/cni): our conflist, run as libcni would for
// two "pods" (network namespaces), inside a namespace that plays the node, so the host's own
// network is not touched. Then cleanupNetwork leaves no bridge, chains or IPAM state behind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cleanupNetwork, CONFLIST_FILE, parseCidr, renderCniConfig, splitArgs, writeCniConfig } from './index.js';
import { CNI_BIN_DIR, cniAdd, cniDel } from '../../test/helpers/cni.js';

const exec = promisify(execFile);
const inNs = (ns: string, cmd: string, args: string[]) => exec('nsenter', [`--net=/run/netns/${ns}`, cmd, ...args], { timeout: 20_000 });

describe('CNI configuration', () => {
  test('a bridge with gateway, masquerade and hairpin, host-local over the podCIDR, and portmap', () => {
    assert.deepEqual(renderCniConfig({ podCidr: '10.42.3.0/24' }), {
      cniVersion: '1.0.0', name: 'k8ts',
      plugins: [
        {
          type: 'bridge', bridge: 'k8ts0', isGateway: true, ipMasq: true, hairpinMode: true,
          ipam: { type: 'host-local', ranges: [[{ subnet: '10.42.3.0/24' }]], routes: [{ dst: '0.0.0.0/0' }] },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    });
    const v6 = renderCniConfig({ podCidr: 'fd00:42::/64', bridgeName: 'br-test', mtu: 1450, networkName: 'n2', ipamDataDir: '/tmp/x' });
    const bridge = (v6['plugins'] as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    assert.equal(v6['name'], 'n2');
    assert.equal(bridge['bridge'], 'br-test');
    assert.equal(bridge['mtu'], 1450);
    assert.deepEqual(bridge['ipam'], { type: 'host-local', ranges: [[{ subnet: 'fd00:42::/64' }]], routes: [{ dst: '::/0' }], dataDir: '/tmp/x' });
  });

  test('bad input is refused with the value named', () => {
    assert.throws(() => parseCidr('10.42.0.0'), /invalid pod CIDR "10.42.0.0"/);
    assert.throws(() => parseCidr('10.42.0.0/33'), /invalid pod CIDR/);
    assert.throws(() => parseCidr('10.42.0.0/31'), /too small/);
    assert.throws(() => renderCniConfig({ podCidr: '10.0.0.0/24', bridgeName: 'a-name-longer-than-15' }), /not a valid interface name/);
    assert.throws(() => renderCniConfig({ podCidr: '10.0.0.0/24', mtu: 100 }), /MTU 100/);
  });

  test('writeCniConfig writes 10-k8ts.conflist atomically (nothing else left in the directory)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k8ts-cni-'));
    try {
      const path = await writeCniConfig({ confDir: join(dir, 'net.d'), podCidr: '10.42.9.0/24' });
      assert.equal(path, join(dir, 'net.d', CONFLIST_FILE));
      assert.deepEqual(await readdir(join(dir, 'net.d')), [CONFLIST_FILE]);
      assert.equal(JSON.parse(await readFile(path, 'utf8')).plugins[0].ipam.ranges[0][0].subnet, '10.42.9.0/24');
      assert.equal((await stat(path)).mode & 0o777, 0o644);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('iptables-save rule lines split as the shell would', () => {
    assert.deepEqual(splitArgs('-A POSTROUTING -s 10.0.0.2/32 -m comment --comment "name: \\"k8ts\\" id: \\"abc\\"" -j CNI-1'),
      ['-A', 'POSTROUTING', '-s', '10.0.0.2/32', '-m', 'comment', '--comment', 'name: "k8ts" id: "abc"', '-j', 'CNI-1']);
  });
});

const canRun = process.getuid?.() === 0 && existsSync(`${CNI_BIN_DIR}/bridge`) && existsSync('/usr/sbin/ip') && existsSync('/bin/busybox');

describe('pod network with the real CNI plugins', { skip: canRun ? false : 'needs root, /usr/lib/cni and busybox' }, () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const node = `k8ts-node-${suffix}`;
  const pods = [`k8ts-pod-a-${suffix}`, `k8ts-pod-b-${suffix}`];
  const bridgeName = `k8ts-${suffix}`;
  const podCidr = '10.251.7.0/24';
  let dir: string;
  let confDir: string;
  let ipamDataDir: string;
  let resultsDir: string;
  let httpd: ChildProcess | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k8ts-net-'));
    confDir = join(dir, 'net.d');
    ipamDataDir = join(dir, 'ipam');
    resultsDir = join(dir, 'results');
    for (const ns of [node, ...pods]) await exec('ip', ['netns', 'add', ns]);
    await exec('ip', ['-n', node, 'link', 'set', 'lo', 'up']);
  });

  after(async () => {
    httpd?.kill('SIGKILL');
    for (const ns of [...pods, node]) await exec('ip', ['netns', 'delete', ns]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  test('pods get IPs from the podCIDR, the node and each other reach them, hostPort works; cleanup removes it all', async () => {
    const conflist = await writeCniConfig({ confDir, podCidr, bridgeName, ipamDataDir });
    const runs = pods.map((podNetns, i) => ({
      conflistPath: conflist, nodeNetns: node, podNetns, containerId: `pod${i}-${suffix}`,
      ...(i === 0 ? { runtimeConfig: { portMappings: [{ hostPort: 18080, containerPort: 80, protocol: 'tcp' }] } } : {}),
    }));
    const ips: string[] = [];
    for (const run of runs) {
      const result = await cniAdd(run);
      const ip = result.ips[0]?.address.split('/')[0] ?? '';
      assert.match(ip, /^10\.251\.7\.\d+$/, 'pod IP in the podCIDR');
      assert.equal(result.ips[0]?.gateway, '10.251.7.1');
      ips.push(ip);
    }
    assert.notEqual(ips[0], ips[1]);
    // libcni caches results; write the files it would, to see cleanup remove ours only.
    await mkdir(resultsDir, { recursive: true });
    await writeFile(join(resultsDir, `k8ts-${runs[0]?.containerId}-eth0`), '{}');
    await writeFile(join(resultsDir, 'othernet-123-eth0'), '{}');

    // The node reaches both pods; pod a reaches pod b over the bridge, and the outside via its default route.
    for (const ip of ips) await inNs(node, 'busybox', ['ping', '-c', '1', '-W', '2', ip]);
    await inNs(pods[0] ?? '', 'busybox', ['ping', '-c', '1', '-W', '2', ips[1] ?? '']);
    const routes = (await inNs(pods[0] ?? '', 'ip', ['route'])).stdout;
    assert.match(routes, /default via 10\.251\.7\.1 dev eth0/);

    // hostPort 18080 on the node → pod a:80 (portmap's DNAT), served by busybox httpd in pod a.
    const www = join(dir, 'www');
    await mkdir(www);
    await writeFile(join(www, 'index.html'), 'hello from pod a\n');
    httpd = spawn('nsenter', [`--net=/run/netns/${pods[0]}`, 'busybox', 'httpd', '-f', '-p', '80', '-h', www], { stdio: 'ignore' });
    let body = '';
    for (let i = 0; i < 50 && body === ''; i++) {
      body = (await inNs(node, 'busybox', ['wget', '-q', '-O', '-', 'http://10.251.7.1:18080/']).catch(() => ({ stdout: '' }))).stdout;
      if (body === '') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(body, 'hello from pod a\n');
    httpd.kill('SIGKILL');
    httpd = undefined;

    const natBefore = (await inNs(node, 'iptables-save', ['-t', 'nat'])).stdout;
    assert.match(natBefore, /CNI-HOSTPORT-DNAT/);
    assert.match(natBefore, /name: \\"k8ts\\"/);
    assert.ok(existsSync(join(ipamDataDir, 'k8ts')), 'host-local state exists');

    const report = await cleanupNetwork({ bridgeName, netns: node, ipamDataDir, cniResultsDir: resultsDir });
    assert.equal(report.bridgeRemoved, true);
    assert.equal(report.vethsRemoved.length, 2);
    assert.equal(report.ipamStateRemoved, true);
    assert.equal(report.resultsRemoved, 1);
    assert.ok(report.chainsRemoved.includes('nat/CNI-HOSTPORT-DNAT'), report.chainsRemoved.join(','));

    const links = (await exec('ip', ['-n', node, '-o', 'link'])).stdout;
    assert.doesNotMatch(links, new RegExp(bridgeName));
    assert.doesNotMatch(links, /veth/);
    const natAfter = (await inNs(node, 'iptables-save', ['-t', 'nat'])).stdout;
    assert.doesNotMatch(natAfter, /CNI-/);
    assert.doesNotMatch(natAfter, /^-A /m, 'no rules left in the node namespace');
    assert.deepEqual(await readdir(resultsDir), ['othernet-123-eth0']);
    // The pods lost their interface with the veth pair.
    assert.doesNotMatch((await exec('ip', ['-n', pods[0] ?? '', '-o', 'link'])).stdout, /eth0/);
    // A second cleanup finds nothing and does not fail.
    const again = await cleanupNetwork({ bridgeName, netns: node, ipamDataDir, cniResultsDir: resultsDir });
    assert.deepEqual(again, { bridgeRemoved: false, vethsRemoved: [], chainsRemoved: [], rulesRemoved: 0, ipamStateRemoved: false, resultsRemoved: 0 });
  });

  test('CNI DEL through our conflist releases the address (the runtime\'s path when a pod goes)', async () => {
    const conflist = join(confDir, CONFLIST_FILE);
    const run = { conflistPath: conflist, nodeNetns: node, podNetns: pods[1] ?? '', containerId: `del-${suffix}` };
    const result = await cniAdd(run);
    const ip = result.ips[0]?.address.split('/')[0] ?? '';
    assert.ok(existsSync(join(ipamDataDir, 'k8ts', ip)), 'address reserved');
    await cniDel(run);
    assert.ok(!existsSync(join(ipamDataDir, 'k8ts', ip)), 'address released');
    await cleanupNetwork({ bridgeName, netns: node, ipamDataDir, cniResultsDir: resultsDir });
  });
});
