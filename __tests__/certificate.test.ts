import { TerraformOutput } from "cdktf";
import { Certificate, CertificateProps, HostedZone } from "../src";
import { FargateStack } from "../src";
import { TerraformJson, onlyResource, resourcesOf, synthErrors, synthesize } from "./support/synth";

function synthCertificate(props: Partial<CertificateProps> = {}): TerraformJson {
  return synthesize((stack) => {
    const zone = new HostedZone(stack, "zone", { zoneName: "example.com" });
    new Certificate(stack, "cert", { domainName: "app.example.com", zone, ...props });
  });
}

describe("Certificate defaults", () => {
  const json = synthCertificate();

  test("an ACM certificate for the domain, validated through DNS, at the construct's address", () => {
    expect(resourcesOf(json, "aws_acm_certificate")).toEqual({
      cert: {
        domain_name: "app.example.com",
        validation_method: "DNS",
        lifecycle: { create_before_destroy: true },
      },
    });
  });

  test("no subject alternative names", () => {
    expect(onlyResource(json, "aws_acm_certificate")).not.toHaveProperty("subject_alternative_names");
  });

  test("one validation record per declared name, keyed by the name: known when Terraform plans a first deployment", () => {
    const records = resourcesOf(json, "aws_route53_record");
    expect(Object.keys(records)).toEqual(["cert_validation"]);
    expect(records.cert_validation.for_each).toEqual({
      "app.example.com": { domain: "app.example.com", zone_id: "${aws_route53_zone.zone.zone_id}" },
    });
  });

  test("each record is the name, type and value ACM asks for that name, in its zone, overwriting a shared one", () => {
    const option = (attribute: string) =>
      `\${{ for option in aws_acm_certificate.cert.domain_validation_options : option.domain_name => option }[each.value.domain].${attribute}}`;
    expect(onlyResource(json, "aws_route53_record")).toEqual({
      for_each: expect.any(Object),
      zone_id: "${each.value.zone_id}",
      name: option("resource_record_name"),
      type: option("resource_record_type"),
      records: [option("resource_record_value")],
      ttl: 60,
      allow_overwrite: true,
    });
  });

  test("the validation waits for the certificate through the records' fqdns", () => {
    expect(resourcesOf(json, "aws_acm_certificate_validation")).toEqual({
      cert_issued: {
        certificate_arn: "${aws_acm_certificate.cert.arn}",
        validation_record_fqdns: "${[ for key, val in aws_route53_record.cert_validation: val.fqdn]}",
      },
    });
  });

  test("certificateArn is the validation's, so users wait for the certificate to be issued", () => {
    const outputs = synthesize((stack) => {
      const zone = new HostedZone(stack, "zone", { zoneName: "example.com" });
      const cert = new Certificate(stack, "cert", { domainName: "app.example.com", zone });
      new TerraformOutput(stack, "arn", { value: cert.certificateArn });
    }).output!;
    expect(outputs.arn.value).toBe("${aws_acm_certificate_validation.cert_issued.certificate_arn}");
  });

  test("synthesizes without validation errors", () => {
    const build = (stack: FargateStack) => {
      const zone = new HostedZone(stack, "zone", { zoneName: "example.com" });
      new Certificate(stack, "cert", { domainName: "app.example.com", zone });
    };
    expect(synthErrors(build)).toEqual([]);
  });
});

describe("Certificate options", () => {
  test("wildcard: true adds *.<domainName> as a subject alternative name", () => {
    expect(onlyResource(synthCertificate({ wildcard: true }), "aws_acm_certificate").subject_alternative_names).toEqual([
      "*.app.example.com",
    ]);
  });

  test("wildcard: true shares the name's validation record (ACM gives both the same) and makes one validation", () => {
    const json = synthCertificate({ wildcard: true });
    expect(Object.keys(resourcesOf(json, "aws_route53_record"))).toEqual(["cert_validation"]);
    expect(Object.keys(onlyResource(json, "aws_route53_record").for_each)).toEqual(["app.example.com"]);
    expect(onlyResource(json, "aws_route53_record").allow_overwrite).toBe(true);
    expect(Object.keys(resourcesOf(json, "aws_acm_certificate_validation"))).toEqual(["cert_issued"]);
  });

  test("wildcard: false is the default", () => {
    expect(synthCertificate({ wildcard: false })).toEqual(synthCertificate());
  });

  test("domainName is used as given, e.g. the zone apex", () => {
    expect(onlyResource(synthCertificate({ domainName: "example.com" }), "aws_acm_certificate").domain_name).toBe(
      "example.com",
    );
  });

  test("an existing zone puts the records in it by id", () => {
    const json = synthesize((stack) => {
      const zone = HostedZone.fromExisting({ zoneId: "Z0EXISTING", zoneName: "example.com" });
      new Certificate(stack, "cert", { domainName: "app.example.com", zone });
    });
    expect(onlyResource(json, "aws_route53_record").for_each["app.example.com"].zone_id).toBe("Z0EXISTING");
    expect(resourcesOf(json, "aws_route53_zone")).toEqual({});
  });

  test("alternative names in two zones: one record each, in the zone each name belongs to (the longest match)", () => {
    const json = synthesize((stack) => {
      const zones = [
        HostedZone.fromExisting({ zoneId: "ZCOM", zoneName: "example.com" }),
        HostedZone.fromExisting({ zoneId: "ZSHOP", zoneName: "shop.example.com" }),
        HostedZone.fromExisting({ zoneId: "ZORG", zoneName: "example.org" }),
      ];
      new Certificate(stack, "cert", { domainName: "app.example.com", alternativeNames: ["www.shop.example.com", "example.org", "*.example.org"], zone: zones });
    });
    expect(onlyResource(json, "aws_acm_certificate").subject_alternative_names).toEqual(["www.shop.example.com", "example.org", "*.example.org"]);
    expect(onlyResource(json, "aws_route53_record").for_each).toEqual({
      "app.example.com": { domain: "app.example.com", zone_id: "ZCOM" },
      "www.shop.example.com": { domain: "www.shop.example.com", zone_id: "ZSHOP" },
      "example.org": { domain: "example.org", zone_id: "ZORG" },
    });
  });
});

describe("Certificate invalid input", () => {
  const zone = HostedZone.fromExisting({ zoneId: "ZCOM", zoneName: "example.com" });

  test("a name in none of the zones is reported with the zones; one in a zone synthesizes", () => {
    expect(synthErrors((stack) => new Certificate(stack, "cert", { domainName: "app.example.net", zone }))).toEqual([
      '[test/cert] domainName is "app.example.net": its validation record goes in a hosted zone it belongs to, and the zones are example.com. Fix: add the zone that holds this name',
    ]);
    expect(synthErrors((stack) => new Certificate(stack, "cert", { domainName: "app.example.com", zone }))).toEqual([]);
  });

  test("11 names are more than ACM's default 10; 10 synthesize", () => {
    const names = (count: number) => Array.from({ length: count - 1 }, (_, index) => `n${index}.example.com`);
    expect(synthErrors((stack) => new Certificate(stack, "cert", { domainName: "app.example.com", alternativeNames: names(11), zone }))).toEqual([
      expect.stringContaining("an ACM certificate covers at most 10 names by default (https://docs.aws.amazon.com/acm/latest/userguide/acm-limits.html)"),
    ]);
    expect(synthErrors((stack) => new Certificate(stack, "cert", { domainName: "app.example.com", alternativeNames: names(10), zone }))).toEqual([]);
  });
});

describe("Certificate.fromArn", () => {
  test("wraps the ARN and creates no resources", () => {
    const arn = "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012";
    expect(Certificate.fromArn(arn)).toEqual({ certificateArn: arn });
    const json = synthesize((stack) => {
      new TerraformOutput(stack, "arn", { value: Certificate.fromArn(arn).certificateArn });
    });
    expect(json.resource ?? {}).toEqual({});
    expect(json.output?.arn.value).toBe(arn);
  });
});
