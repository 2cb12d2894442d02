/** IPv4 CIDR arithmetic for laying out subnets at synth time, so the plan shows literal ranges. */
export interface Ipv4Cidr {
  readonly address: number;
  readonly prefixLength: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `10.0.0.0/16`; returns undefined for anything that is not a valid IPv4 network block. */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefixLength > 32) return undefined;
  const address = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  if (address % 2 ** (32 - prefixLength) !== 0) return undefined;
  return { address, prefixLength };
}

export function formatCidr(cidr: Ipv4Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(cidr.address / 2 ** shift) % 256);
  return `${octets.join(".")}/${cidr.prefixLength}`;
}

/** The `index`th block of `newBits` more prefix bits inside `cidr`, as Terraform's `cidrsubnet` does. */
export function subnetCidr(cidr: Ipv4Cidr, newBits: number, index: number): Ipv4Cidr {
  const prefixLength = cidr.prefixLength + newBits;
  if (prefixLength > 32 || index >= 2 ** newBits) {
    throw new RangeError(`${formatCidr(cidr)} has no room for subnet ${index} of /${prefixLength}`);
  }
  return { address: cidr.address + index * 2 ** (32 - prefixLength), prefixLength };
}
