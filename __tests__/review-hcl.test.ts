import { decodeJsonencode, interpolatedReferences, isJsonencode, parseHcl, readDocument, showValue } from "../src/review/hcl";
import { referenceBase } from "../src/review/plan";

describe("review: reading cdktf's ${jsonencode(...)} back", () => {
  test("the execution role policy as Terraform's plan JSON gives it: references kept as ${...}", () => {
    const text =
      '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Sid" = "ReadSecretParameters", "Effect" = "Allow", "Action" = ["ssm:GetParameters"], ' +
      '"Resource" = [aws_ssm_parameter.hello_secret_password.arn]}, {"Sid" = "WriteLogs", "Effect" = "Allow", "Action" = ["logs:CreateLogStream", ' +
      '"logs:PutLogEvents"], "Resource" = ["${aws_cloudwatch_log_group.hello_logs.arn}:*"]}]})}';
    expect(isJsonencode(text)).toBe(true);
    expect(decodeJsonencode(text)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "ReadSecretParameters", Effect: "Allow", Action: ["ssm:GetParameters"], Resource: ["${aws_ssm_parameter.hello_secret_password.arn}"] },
        { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: ["${aws_cloudwatch_log_group.hello_logs.arn}:*"] },
      ],
    });
  });

  test("container definitions: a top-level tuple, numbers, booleans, nested objects", () => {
    const text =
      '${jsonencode([{"name" = "hello", "essential" = true, "portMappings" = [{"containerPort" = 80, "hostPort" = 80}], ' +
      '"secrets" = [{"name" = "PASSWORD", "valueFrom" = aws_ssm_parameter.hello_secret_password.arn}], "memoryReservation" = null, "cpu" = -1.5e2}])}';
    expect(decodeJsonencode(text)).toEqual([
      {
        name: "hello",
        essential: true,
        portMappings: [{ containerPort: 80, hostPort: 80 }],
        secrets: [{ name: "PASSWORD", valueFrom: "${aws_ssm_parameter.hello_secret_password.arn}" }],
        memoryReservation: null,
        cpu: -150,
      },
    ]);
  });

  test("HCL as people write it: bare keys, colons, newlines between items, trailing commas, comments", () => {
    expect(
      parseHcl(`{
        Version = "2012-10-17" # the only version
        Statement = [
          { Effect: "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*", }, // trailing comma
        ]
        /* a block comment */
      }`),
    ).toEqual({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] });
  });

  test("expressions that are not references: calls, conditionals, indexes, operators, splats, for", () => {
    expect(
      parseHcl(
        '{"a" = format("%s-%s", var.x, "}"), "b" = var.on ? "yes" : "no", "c" = aws_subnet.s[0].id, "d" = {"k" = 1}["k"], "e" = local.n + 1, ' +
          '"f" = aws_instance.x[*].id, "g" = [for s in var.list : upper(s)], "h" = -var.n}',
      ),
    ).toEqual({
      a: '${format("%s-%s", var.x, "}")}',
      b: '${var.on ? "yes" : "no"}',
      c: "${aws_subnet.s[0].id}",
      d: '${{"k" = 1}["k"]}',
      e: "${local.n + 1}",
      f: "${aws_instance.x[*].id}",
      g: "${[for s in var.list : upper(s)]}",
      h: "${-var.n}",
    });
  });

  test("strings: escapes decoded, interpolations (with quotes and braces inside) kept, $${ and %%{ literal", () => {
    expect(parseHcl('"a\\"b\\\\c\\n\\u00e9\\U0001F600"')).toBe('a"b\\c\né😀');
    expect(parseHcl('"${lookup(var.m, "k", "}")}:*"')).toBe('${lookup(var.m, "k", "}")}:*');
    expect(parseHcl('"$${literal} %%{literal}"')).toBe("${literal} %{literal}");
    expect(parseHcl('"%{ if var.x }yes%{ endif }"')).toBe("%{ if var.x }yes%{ endif }");
  });

  test("text it cannot read is an error naming where, never a wrong value", () => {
    expect(() => decodeJsonencode("${jsonencode({\"a\" = })}")).toThrow(/cannot read HCL/);
    expect(() => decodeJsonencode('${jsonencode({"a" = "b"')).toThrow(/not a \$\{jsonencode/);
    expect(() => parseHcl('{"a" = "unterminated}')).toThrow(/unterminated string/);
    expect(() => parseHcl('{"a" "b"}')).toThrow(/= or : expected/);
    // Two values with no separator are not guessed at: they stay one expression, shown as written.
    expect(parseHcl('["a" "b"]')).toEqual(['${"a" "b"}']);
    expect(() => parseHcl('{"a" = (1]}')).toThrow(/unbalanced/);
  });

  test("readDocument takes planned JSON text, a configured template, or a value; undefined for anything else", () => {
    expect(readDocument('{"Statement":[]}')).toEqual({ Statement: [] });
    expect(readDocument('${jsonencode({"Statement" = []})}')).toEqual({ Statement: [] });
    expect(readDocument({ Statement: [] })).toEqual({ Statement: [] });
    expect(readDocument("${data.aws_iam_policy_document.d.json}")).toBeUndefined();
    expect(readDocument('${jsonencode({"a" = })}')).toBeUndefined();
    expect(readDocument(null)).toBeUndefined();
  });

  test("references shown by address; their resource found by base address", () => {
    expect(showValue("${aws_ssm_parameter.hello_secret_password.arn}")).toBe("aws_ssm_parameter.hello_secret_password.arn");
    expect(showValue("${aws_cloudwatch_log_group.hello_logs.arn}:*")).toBe("aws_cloudwatch_log_group.hello_logs.arn:*");
    expect(showValue('${format("%s", var.x)}')).toBe('${format("%s", var.x)}');
    expect(interpolatedReferences("${aws_a.b.arn}/${var.c}/${upper(var.d)}")).toEqual(["aws_a.b.arn", "var.c"]);
    expect(referenceBase("aws_iam_role.hello_task_role.name")).toBe("aws_iam_role.hello_task_role");
    expect(referenceBase("${data.aws_iam_policy_document.d.json}")).toBe("data.aws_iam_policy_document.d");
    expect(referenceBase("aws_subnet.s[0].id")).toBe("aws_subnet.s");
    expect(referenceBase("var.password")).toBeUndefined();
    expect(referenceBase("module.web.url")).toBeUndefined();
  });
});
