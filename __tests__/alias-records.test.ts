import { TerraformOutput } from "cdktf";
import { AliasRecords, AliasRecordsProps, HostedZone, LoadBalancer, Network } from "../src";
import { FargateStack } from "../src";
import { resourcesOf, synthErrors, synthesize } from "./support/synth";

const ZONE = HostedZone.fromExisting({ zoneId: "Z0ZONE", zoneName: "example.com" });
const TARGET = { dnsName: "hello-123.eu-west-1.elb.amazonaws.com", zoneId: "Z32O12XQLNTSW2" };

function synthRecords(props: Partial<AliasRecordsProps> = {}) {
  return synthesize((stack) => {
    new AliasRecords(stack, "alias", { zone: ZONE, recordName: "app.example.com", target: TARGET, ...props });
  });
}

describe("AliasRecords defaults", () => {
  const json = synthRecords();
  const records = resourcesOf(json, "aws_route53_record");

  test("an A and an AAAA record, named after their type", () => {
    expect(Object.keys(records).sort()).toEqual(["alias_a", "alias_aaaa"]);
    expect(records.alias_a.type).toBe("A");
    expect(records.alias_aaaa.type).toBe("AAAA");
  });

  test("both are for the record name, in the zone", () => {
    for (const record of Object.values(records)) {
      expect(record.name).toBe("app.example.com");
      expect(record.zone_id).toBe("Z0ZONE");
    }
  });

  test("both alias the target and evaluate its health, with no TTL or records of their own", () => {
    for (const record of Object.values(records)) {
      expect(record.alias).toEqual({
        name: "hello-123.eu-west-1.elb.amazonaws.com",
        zone_id: "Z32O12XQLNTSW2",
        evaluate_target_health: true,
      });
      expect(record).not.toHaveProperty("ttl");
      expect(record).not.toHaveProperty("records");
    }
  });

  test("fqdn is that of the A record", () => {
    const outputs = synthesize((stack) => {
      const alias = new AliasRecords(stack, "alias", { zone: ZONE, recordName: "app.example.com", target: TARGET });
      new TerraformOutput(stack, "fqdn", { value: alias.fqdn });
    }).output!;
    expect(outputs.fqdn.value).toBe("${aws_route53_record.alias_a.fqdn}");
  });
});

describe("AliasRecords options", () => {
  test("ipv6: false makes the A record only", () => {
    const records = resourcesOf(synthRecords({ ipv6: false }), "aws_route53_record");
    expect(Object.keys(records)).toEqual(["alias_a"]);
    expect(records.alias_a.type).toBe("A");
    expect(records.alias_a.alias.evaluate_target_health).toBe(true);
  });

  test("ipv6: true makes both", () => {
    expect(Object.keys(resourcesOf(synthRecords({ ipv6: true }), "aws_route53_record")).sort()).toEqual([
      "alias_a",
      "alias_aaaa",
    ]);
  });

  test("a zone made in the stack and a load balancer target are referenced", () => {
    const build = (stack: FargateStack) => {
      const zone = new HostedZone(stack, "zone", { zoneName: "example.com" });
      const network = new Network(stack, "net", { name: "hello" });
      const lb = new LoadBalancer(stack, "lb", {
        name: "hello",
        network,
        certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
      });
      new AliasRecords(stack, "alias", { zone, recordName: "app.example.com", target: lb, ipv6: lb.dualStack });
    };
    const records = resourcesOf(synthesize(build), "aws_route53_record");
    expect(Object.keys(records).sort()).toEqual(["alias_a", "alias_aaaa"]);
    for (const record of Object.values(records)) {
      expect(record.zone_id).toBe("${aws_route53_zone.zone.zone_id}");
      expect(record.alias).toEqual({
        name: "${aws_lb.lb.dns_name}",
        zone_id: "${aws_lb.lb.zone_id}",
        evaluate_target_health: true,
      });
    }
    expect(synthErrors(build)).toEqual([]);
  });

  test("recordName can be the zone apex", () => {
    const records = resourcesOf(synthRecords({ recordName: "example.com" }), "aws_route53_record");
    expect(records.alias_a.name).toBe("example.com");
    expect(records.alias_aaaa.name).toBe("example.com");
  });
});
