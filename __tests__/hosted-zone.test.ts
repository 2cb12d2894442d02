import { TerraformOutput } from "cdktf";
import { HostedZone } from "../src";
import { onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

describe("HostedZone defaults", () => {
  const json = synthesize((stack) => {
    new HostedZone(stack, "zone", { zoneName: "example.com" });
  });

  test("a public Route53 zone for the domain, with the default comment, at the construct's address", () => {
    expect(resourcesOf(json, "aws_route53_zone")).toEqual({
      zone: { name: "example.com", comment: "Managed by fargate-as-code" },
    });
  });

  test("is public: no VPC association", () => {
    expect(onlyResource(json, "aws_route53_zone")).not.toHaveProperty("vpc");
    expect(synthErrors((stack) => new HostedZone(stack, "zone", { zoneName: "example.com" }))).toEqual([]);
  });

  test("exposes the zone id and name servers as references, and the zone name as given", () => {
    let zone!: HostedZone;
    const outputs = synthesize((stack) => {
      zone = new HostedZone(stack, "zone", { zoneName: "example.com" });
      new TerraformOutput(stack, "id", { value: zone.zoneId });
      new TerraformOutput(stack, "ns", { value: zone.nameServers });
    }).output!;
    expect(outputs.id.value).toBe("${aws_route53_zone.zone.zone_id}");
    expect(outputs.ns.value).toBe("${aws_route53_zone.zone.name_servers}");
    expect(zone.zoneName).toBe("example.com");
  });
});

describe("HostedZone options", () => {
  test("comment replaces the default", () => {
    const json = synthesize((stack) => {
      new HostedZone(stack, "zone", { zoneName: "example.com", comment: "Shop domain" });
    });
    expect(onlyResource(json, "aws_route53_zone").comment).toBe("Shop domain");
  });

  test("zoneName can be a subdomain", () => {
    const json = synthesize((stack) => {
      new HostedZone(stack, "appZone", { zoneName: "app.example.com" });
    });
    expect(resourcesOf(json, "aws_route53_zone").app_zone.name).toBe("app.example.com");
  });
});

describe("HostedZone.fromExisting", () => {
  test("keeps only the id and name, and creates no resources", () => {
    const given = { zoneId: "Z0123456789ABCDEFGHIJ", zoneName: "example.com", other: true };
    expect(HostedZone.fromExisting(given)).toEqual({ zoneId: "Z0123456789ABCDEFGHIJ", zoneName: "example.com" });
    const json = synthesize((stack) => {
      new TerraformOutput(stack, "id", { value: HostedZone.fromExisting(given).zoneId });
    });
    expect(json.resource ?? {}).toEqual({});
    expect(json.output?.id.value).toBe("Z0123456789ABCDEFGHIJ");
  });
});
