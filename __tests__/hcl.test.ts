import { FargateWebApp } from "../src";
import { decodeJsonencode, interpolatedReferences, isJsonencode, parseHcl, parseReference, readDocument, showValue } from "../src/cli/hcl";
import { referenceBase } from "../src/cli/review/plan";
import { DEFAULT_APP } from "./fixtures/status/run";
import { decodeJsonencode as decodeForTests, onlyResource, synthesize } from "./support/synth";

/* src/hcl.ts reads cdktf's `${jsonencode(...)}` back, for npm run status, npm run review and the tests. */

describe("reading cdktf's ${jsonencode(...)} back", () => {
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

  test("the article's app's container definitions, as synth writes them, decoded (also through the tests' support/synth)", () => {
    const json = synthesize((stack) => new FargateWebApp(stack, "hello", DEFAULT_APP));
    const expression = onlyResource(json, "aws_ecs_task_definition").container_definitions;
    const expected = [
      {
        name: "hello",
        image: "public.ecr.aws/nginx/nginx:1.27-alpine",
        linuxParameters: { initProcessEnabled: true },
        essential: true,
        readonlyRootFilesystem: true,
        portMappings: [{ protocol: "tcp", containerPort: 80, name: "http", appProtocol: "http", hostPort: 80 }],
        environment: [{ name: "USER", value: "hello" }],
        secrets: [{ name: "PASSWORD", valueFrom: "${aws_ssm_parameter.hello_secret_password.arn}" }],
        logConfiguration: {
          logDriver: "awslogs",
          options: {
            "awslogs-group": "${aws_cloudwatch_log_group.hello_logs.name}",
            "awslogs-region": "eu-west-1",
            "awslogs-stream-prefix": "hello",
            mode: "non-blocking",
            "max-buffer-size": "25m",
          },
        },
      },
    ];
    expect(decodeJsonencode(expression)).toEqual(expected);
    expect(decodeForTests(expression)).toEqual(expected);
  });

  test("references, templates with quotes inside, function calls, escapes, numbers and booleans", () => {
    expect(
      decodeJsonencode(
        '${jsonencode([{"name" = "a\\"b\\n", "arn" = aws_x.y.arn, "tpl" = "${aws_x.y.arn}:*", "q" = "${lookup(var.m, "k", "}")}x", ' +
          '"f" = concat(["a"], ["b", "c"]), "n" = 80, "t" = true, "z" = null, "o" = {"k" = -1.5e3}}])}',
      ),
    ).toEqual([
      {
        name: 'a"b\n',
        arn: "${aws_x.y.arn}",
        tpl: "${aws_x.y.arn}:*",
        q: '${lookup(var.m, "k", "}")}x',
        f: '${concat(["a"], ["b", "c"])}',
        n: 80,
        t: true,
        z: null,
        o: { k: -1500 },
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

  test("strings: escapes decoded, interpolations (with quotes and braces inside) kept, $${ and %%{ kept unless unescaped", () => {
    expect(parseHcl('"a\\"b\\\\c\\n\\u00e9\\U0001F600"')).toBe('a"b\\c\né😀');
    expect(parseHcl('"${lookup(var.m, "k", "}")}:*"')).toBe('${lookup(var.m, "k", "}")}:*');
    expect(parseHcl('"$${literal} %%{literal}"', { unescape: true })).toBe("${literal} %{literal}");
    expect(parseHcl('"%{ if var.x }yes%{ endif }"')).toBe("%{ if var.x }yes%{ endif }");
    // By default a decoded string stays a template: a literal ${ (cdktf writes $${) is not an interpolation.
    expect(parseHcl('"$${literal} %%{literal}"')).toBe("$${literal} %%{literal}");
    expect(decodeJsonencode('${jsonencode({"v" = "$${aws_x.y.arn}"})}')).toEqual({ v: "$${aws_x.y.arn}" });
    expect(parseReference(parseHcl('"$${aws_x.y.arn}"'))).toBeUndefined();
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

  test("what is not HCL is refused", () => {
    expect(() => decodeJsonencode('{"a": 1}')).toThrow("not a ${jsonencode(...)} template");
    expect(() => parseHcl('{"a" = "unterminated')).toThrow("unterminated string");
  });

  test("readDocument takes planned JSON text, a configured template, or a value; undefined for anything else", () => {
    expect(readDocument('{"Statement":[]}')).toEqual({ Statement: [] });
    expect(readDocument('${jsonencode({"Statement" = []})}')).toEqual({ Statement: [] });
    expect(readDocument({ Statement: [] })).toEqual({ Statement: [] });
    expect(readDocument("${data.aws_iam_policy_document.d.json}")).toBeUndefined();
    expect(readDocument('${jsonencode({"a" = })}')).toBeUndefined();
    expect(readDocument(null)).toBeUndefined();
    // The review shows strings to people: a literal ${ as Terraform's value holds it.
    expect(readDocument('${jsonencode({"v" = "$${HOME}"})}')).toEqual({ v: "${HOME}" });
  });

  test("a reference is split into type, name and attribute", () => {
    expect(parseReference("${aws_iam_role.hello_task_execution_role.arn}")).toEqual({
      type: "aws_iam_role",
      name: "hello_task_execution_role",
      attribute: "arn",
    });
    expect(parseReference("arn:aws:iam::123456789012:role/x")).toBeUndefined();
    expect(parseReference("${aws_x.y.arn}:*")).toBeUndefined();
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
