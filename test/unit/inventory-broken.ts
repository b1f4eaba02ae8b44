/** The broken inventories under test/fixtures/inventory/: where each one's single error is. */
/** Line:column, field path, and words the message must contain. */
export const BROKEN: ReadonlyArray<{ file: string; at: string; path: string; says: RegExp }> = [
  { file: 'yaml-syntax', at: '11:5', path: '', says: /YAML syntax error: .*end with a \]/ },
  {
    file: 'unknown-key',
    at: '17:5',
    path: 'devices[1].protected_portz',
    says: /unknown key 'protected_portz' \(did you mean 'protected_ports'\?\)/,
  },
  {
    file: 'dangling-device',
    at: '31:27',
    path: 'sites[0].vlans[0].access_switches[0]',
    says: /unknown device 'sw9'/,
  },
  {
    file: 'dangling-dhcp-server',
    at: '34:25',
    path: 'sites[0].vlans[0].dhcp.server',
    says: /unknown DHCP server 'kea2'/,
  },
  {
    file: 'pool-outside-subnet',
    at: '33:26',
    path: 'sites[0].vlans[0].high_alert_pool',
    says: /10\.20\.1\.240-10\.20\.1\.250 is not inside the VLAN subnet 10\.20\.0\.0\/24/,
  },
  {
    file: 'overlapping-pools',
    at: '33:26',
    path: 'sites[0].vlans[0].high_alert_pool',
    says: /overlaps the normal pool 10\.20\.0\.100-10\.20\.0\.199/,
  },
  {
    file: 'url-with-password',
    at: '23:17',
    path: 'dhcp_servers[0].kea.url',
    says: /carries a user name or password; remove them and use username_env and password_env/,
  },
  { file: 'mac-two-users', at: '41:12', path: 'users[1].macs[0]', says: /already belongs to user 'jdoe'/ },
  {
    file: 'invalid-mac',
    at: '37:12',
    path: 'users[0].macs[0]',
    says: /"00:1b:21:3a:4f:zz" is not a MAC address/,
  },
  { file: 'mac-unquoted-digits', at: '41:12', path: 'users[1].macs[0]', says: /must be text.*quotes/ },
  {
    file: 'invalid-interface',
    at: '39:11',
    path: 'users[0].port',
    says: /"Gx1\/0\/5" is not an IOS interface name/,
  },
  {
    file: 'missing-credential',
    at: '16:18',
    path: 'devices[1].credentials',
    says: /no credentials named 'admin'/,
  },
  { file: 'credential-no-auth', at: '4:5', path: 'credentials.noc', says: /no way to log in/ },
  {
    file: 'ipv6-pool-in-ipv4-subnet',
    at: '33:26',
    path: 'sites[0].vlans[0].high_alert_pool',
    says: /IPv6 but the VLAN subnet 10\.20\.0\.0\/24 is IPv4/,
  },
  { file: 'missing-host', at: '12:5', path: 'devices[1]', says: /missing 'host'/ },
  {
    file: 'bad-role',
    at: '15:13',
    path: 'devices[1].roles[0]',
    says: /'roles' must be one of access, gateway, dhcp_server/,
  },
  {
    file: 'gateway-without-role',
    at: '30:28',
    path: 'sites[0].vlans[0].gateway.device',
    says: /'sw1' does not have the role 'gateway'/,
  },
  {
    file: 'subnet-host-bits',
    at: '29:17',
    path: 'sites[0].vlans[0].subnet',
    says: /host bits set; the network is 10\.20\.0\.0\/24/,
  },
];
