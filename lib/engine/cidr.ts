/** CIDR ranges ("10.0.0.0/8", "2001:db8::/32"). Host bits may be set ("192.168.1.5/24"), as firewalls accept. */

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const PREFIX = /^(?:0|[1-9]\d{0,2})$/;

function isIpv6(address: string): boolean {
  let text = address;
  if (text.includes('.')) {
    // An embedded IPv4 tail ("::ffff:192.0.2.1") stands for the last two groups.
    const lastColon = text.lastIndexOf(':');
    if (lastColon < 0 || !IPV4.test(text.slice(lastColon + 1))) return false;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  if (!groups.every((g) => HEX_GROUP.test(g))) return false;
  return halves.length === 2 ? groups.length <= 7 : groups.length === 8;
}

export function isCidr(text: string): boolean {
  const slash = text.indexOf('/');
  if (slash < 0) return false;
  const address = text.slice(0, slash);
  const prefix = text.slice(slash + 1);
  if (!PREFIX.test(prefix)) return false;
  if (IPV4.test(address)) return Number(prefix) <= 32;
  return isIpv6(address) && Number(prefix) <= 128;
}
