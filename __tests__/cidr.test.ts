import { formatCidr, parseCidr, subnetCidr } from "../src/environment/cidr";

const cidr = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`test setup: ${text} does not parse`);
  return parsed;
};

describe("parseCidr", () => {
  test("reads the address as a 32-bit number and the prefix length", () => {
    expect(parseCidr("10.0.0.0/16")).toEqual({ address: 10 * 2 ** 24, prefixLength: 16 });
    expect(parseCidr("192.168.1.0/24")).toEqual({ address: 192 * 2 ** 24 + 168 * 2 ** 16 + 1 * 2 ** 8, prefixLength: 24 });
    expect(parseCidr("172.16.0.0/12")).toEqual({ address: 172 * 2 ** 24 + 16 * 2 ** 16, prefixLength: 12 });
  });

  test("accepts the extremes: the whole space and a single address", () => {
    expect(parseCidr("0.0.0.0/0")).toEqual({ address: 0, prefixLength: 0 });
    expect(parseCidr("255.255.255.255/32")).toEqual({ address: 2 ** 32 - 1, prefixLength: 32 });
  });

  test.each([
    ["an empty string", ""],
    ["an address without a prefix length", "10.0.0.0"],
    ["three octets", "10.0.0/16"],
    ["five octets", "10.0.0.0.0/16"],
    ["an octet above 255", "10.256.0.0/16"],
    ["a prefix length above 32", "10.0.0.0/33"],
    ["a three-digit prefix length", "10.0.0.0/016"],
    ["host bits set below the prefix", "10.0.0.1/16"],
    ["host bits set in a /24", "192.168.1.128/24"],
    ["surrounding whitespace", " 10.0.0.0/16 "],
    ["letters", "a.b.c.d/16"],
    ["a negative octet", "-1.0.0.0/8"],
    ["an IPv6 block", "::/0"],
  ])("rejects %s (%j)", (_, text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe("formatCidr", () => {
  test("writes the dotted-quad form back", () => {
    expect(formatCidr({ address: 10 * 2 ** 24 + 20 * 2 ** 16, prefixLength: 16 })).toBe("10.20.0.0/16");
    expect(formatCidr({ address: 0, prefixLength: 0 })).toBe("0.0.0.0/0");
    expect(formatCidr({ address: 2 ** 32 - 1, prefixLength: 32 })).toBe("255.255.255.255/32");
  });

  test.each(["10.0.0.0/16", "172.31.240.0/20", "192.168.255.252/30", "100.64.0.0/10"])(
    "round-trips %s through parseCidr",
    (text) => {
      expect(formatCidr(cidr(text))).toBe(text);
    },
  );
});

describe("subnetCidr", () => {
  test("splits a /16 into sixteen /20s in order, as Terraform's cidrsubnet does", () => {
    const vpc = cidr("10.0.0.0/16");
    expect(formatCidr(subnetCidr(vpc, 4, 0))).toBe("10.0.0.0/20");
    expect(formatCidr(subnetCidr(vpc, 4, 1))).toBe("10.0.16.0/20");
    expect(formatCidr(subnetCidr(vpc, 4, 8))).toBe("10.0.128.0/20");
    expect(formatCidr(subnetCidr(vpc, 4, 15))).toBe("10.0.240.0/20");
  });

  test("matches the examples of Terraform's cidrsubnet documentation", () => {
    expect(formatCidr(subnetCidr(cidr("172.16.0.0/12"), 4, 2))).toBe("172.18.0.0/16");
    expect(formatCidr(subnetCidr(cidr("10.1.2.0/24"), 4, 15))).toBe("10.1.2.240/28");
  });

  test("zero new bits returns the block itself", () => {
    expect(subnetCidr(cidr("10.0.0.0/16"), 0, 0)).toEqual(cidr("10.0.0.0/16"));
  });

  test("can go down to single addresses", () => {
    expect(formatCidr(subnetCidr(cidr("10.0.0.0/24"), 8, 255))).toBe("10.0.0.255/32");
  });

  test("refuses an index past the last subnet", () => {
    expect(() => subnetCidr(cidr("10.0.0.0/16"), 4, 16)).toThrow(RangeError);
    expect(() => subnetCidr(cidr("10.0.0.0/16"), 4, 16)).toThrow("10.0.0.0/16 has no room for subnet 16 of /20");
  });

  test("refuses a prefix length past /32", () => {
    expect(() => subnetCidr(cidr("10.0.0.0/30"), 4, 0)).toThrow("10.0.0.0/30 has no room for subnet 0 of /34");
  });
});
