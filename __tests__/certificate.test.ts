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

  test("one validation record per domain_validation_options entry, keyed by domain name", () => {
    const records = resourcesOf(json, "aws_route53_record");
    expect(Object.keys(records)).toEqual(["cert_validation"]);
    expect(records.cert_validation.for_each).toBe(
      "${{ for key, val in tolist(aws_acm_certificate.cert.domain_validation_options): val.domain_name => val }}",
    );
  });

  test("each record is the name, type and value ACM asks for, in the zone, overwriting a shared one", () => {
    expect(onlyResource(json, "aws_route53_record")).toEqual({
      for_each: expect.any(String),
      zone_id: "${aws_route53_zone.zone.zone_id}",
      name: "${each.value.resource_record_name}",
      type: "${each.value.resource_record_type}",
      records: ["${each.value.resource_record_value}"],
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

  test("wildcard: true still makes one for_each record resource and one validation", () => {
    const json = synthCertificate({ wildcard: true });
    expect(Object.keys(resourcesOf(json, "aws_route53_record"))).toEqual(["cert_validation"]);
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
    expect(onlyResource(json, "aws_route53_record").zone_id).toBe("Z0EXISTING");
    expect(resourcesOf(json, "aws_route53_zone")).toEqual({});
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
