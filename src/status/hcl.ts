/**
 * Decodes the HCL that cdktf writes inside `${jsonencode(...)}` (container definitions, IAM policies) back
 * into a value. Terraform expressions (references, function calls) are kept as `"${expression}"` strings:
 * `{"a" = aws_x.y.arn}` → `{ a: "${aws_x.y.arn}" }`. Strings keep their `${...}` templates as written.
 */
export function decodeJsonencode(expression: string): unknown {
  const match = /^\s*\$\{jsonencode\(([\s\S]*)\)\}\s*$/.exec(expression);
  if (!match) throw new Error(`not a jsonencode expression: ${expression.slice(0, 80)}`);
  return parseHcl(match[1]);
}

/** Parses one HCL value (object, tuple, string, number, bool, null or a bare expression). */
export function parseHcl(text: string): unknown {
  const parser = new Parser(text);
  const value = parser.value();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail("unexpected text after the value");
  return value;
}

/** A Terraform reference such as `${aws_iam_role.hello_task_execution_role.arn}`, split; undefined otherwise. */
export function parseReference(value: unknown): { type: string; name: string; attribute: string } | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^\$\{([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)\.([A-Za-z_][\w]*)\}$/.exec(value);
  return match ? { type: match[1], name: match[2], attribute: match[3] } : undefined;
}

const CLOSERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

class Parser {
  private index = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.index >= this.text.length;
  }

  fail(message: string): never {
    throw new Error(`cannot decode HCL at ${this.index} (${message}): ${this.text.slice(this.index, this.index + 40)}`);
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.index])) this.index++;
  }

  value(): unknown {
    this.skipSpace();
    const char = this.text[this.index];
    if (char === "{") return this.object();
    if (char === "[") return this.tuple();
    if (char === "\"") return this.string();
    const literal = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?=[\s,\]}):]|$)/.exec(this.text.slice(this.index));
    if (literal) {
      this.index += literal[1].length;
      return JSON.parse(literal[1]);
    }
    return `\${${this.expression()}}`;
  }

  private object(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.index++; // {
    for (;;) {
      this.skipSeparators();
      if (this.text[this.index] === "}") {
        this.index++;
        return result;
      }
      if (this.atEnd()) this.fail("unterminated object");
      const key = this.key();
      this.skipSpace();
      const separator = this.text[this.index];
      if (separator !== "=" && separator !== ":") this.fail("expected = or :");
      this.index++;
      result[key] = this.value();
    }
  }

  private key(): string {
    if (this.text[this.index] === "\"") return this.string();
    const match = /^[A-Za-z_][\w-]*/.exec(this.text.slice(this.index));
    if (!match) this.fail("expected an object key");
    this.index += match[0].length;
    return match[0];
  }

  private tuple(): unknown[] {
    const result: unknown[] = [];
    this.index++; // [
    for (;;) {
      this.skipSeparators();
      if (this.text[this.index] === "]") {
        this.index++;
        return result;
      }
      if (this.atEnd()) this.fail("unterminated tuple");
      result.push(this.value());
    }
  }

  private skipSeparators(): void {
    while (!this.atEnd() && /[\s,]/.test(this.text[this.index])) this.index++;
  }

  /** A quoted template string; `${...}` inside it (which may hold quotes) is kept as written. */
  private string(): string {
    this.index++; // opening quote
    let result = "";
    while (!this.atEnd()) {
      const char = this.text[this.index];
      if (char === "\"") {
        this.index++;
        return result;
      }
      if (char === "\\") {
        result += this.escape();
        continue;
      }
      if ((char === "$" || char === "%") && this.text[this.index + 1] === "{") {
        const start = this.index;
        this.index += 2;
        this.skipBalanced("}");
        result += this.text.slice(start, this.index);
        continue;
      }
      result += char;
      this.index++;
    }
    return this.fail("unterminated string");
  }

  private escape(): string {
    const next = this.text[this.index + 1];
    const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\"": "\"", "\\": "\\" };
    if (next in simple) {
      this.index += 2;
      return simple[next];
    }
    const unicode = /^\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/.exec(this.text.slice(this.index));
    if (unicode) {
      this.index += unicode[0].length;
      return String.fromCodePoint(parseInt(unicode[1] ?? unicode[2], 16));
    }
    this.index += 2;
    return next ?? "";
  }

  /** Moves past the closer matching an opener already consumed, skipping nested brackets and strings. */
  private skipBalanced(closer: string): void {
    const stack = [closer];
    while (!this.atEnd() && stack.length > 0) {
      const char = this.text[this.index];
      if (char === "\"") {
        this.string();
        continue;
      }
      this.index++;
      if (char === stack[stack.length - 1]) stack.pop();
      else if (char in CLOSERS) stack.push(CLOSERS[char]);
    }
    if (stack.length > 0) this.fail("unbalanced brackets");
  }

  /** A bare expression (reference, function call, operators) up to the next top-level `,` `]` `}`. */
  private expression(): string {
    const start = this.index;
    while (!this.atEnd()) {
      const char = this.text[this.index];
      if (char === "," || char === "]" || char === "}" || char === "\n") break;
      if (char === "\"") {
        this.string();
        continue;
      }
      this.index++;
      if (char in CLOSERS) this.skipBalanced(CLOSERS[char]);
    }
    const expression = this.text.slice(start, this.index).trim();
    if (!expression) this.fail("expected a value");
    return expression;
  }
}
