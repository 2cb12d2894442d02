/**
 * Reads the HCL that cdktf writes inside `${jsonencode(...)}` (IAM policies, container definitions, event
 * patterns) back into a value: for `npm run status` (the synthesized cdk.tf.json), for `npm run review`
 * (a plan whose documents Terraform cannot know yet gives them only in
 * `configuration...expressions.<arg>.constant_value`, as the template cdktf wrote) and for the tests. E.g.
 *
 *   ${jsonencode({"Statement" = [{"Action" = ["ssm:GetParameters"], "Resource" = [aws_ssm_parameter.p.arn]}]})}
 *
 * Objects (`{"k" = v, k2 = v}`, `:` also accepted, items separated by commas or newlines, comments allowed),
 * tuples, strings with their escapes, numbers, `true`, `false` and `null` become JSON values. Anything else
 * (a reference, a function call, an operator, a conditional, an index, a `for`) is kept as the text
 * `"${expression}"`, the way a Terraform template writes it: `aws_ssm_parameter.p.arn` becomes
 * `"${aws_ssm_parameter.p.arn}"`. Strings keep their own `${...}` and `%{...}` as written
 * (`"${aws_x.y.arn}:*"`); for `$${` and `%%{` (a literal `${`, `%{`: cdktf writes a literal `${` so) see
 * `HclOptions.unescape`.
 */

export interface HclOptions {
  /**
   * False (the default): `$${` and `%%{` are kept as written, so a decoded string stays a Terraform template
   * in which every `${` starts an interpolation (`"$${x}"` is never taken for a reference). True: they
   * become the literal `${` and `%{` Terraform's value holds, for showing a value to a person.
   */
  unescape?: boolean;
}

/** Whether `text` is exactly one `${jsonencode(...)}` template. */
export function isJsonencode(text: unknown): text is string {
  return typeof text === "string" && /^\s*\$\{\s*jsonencode\s*\(/.test(text) && /\)\s*\}\s*$/.test(text);
}

/** Decodes `${jsonencode(<hcl>)}` into a value; throws on text it cannot read. */
export function decodeJsonencode(text: string, options: HclOptions = {}): unknown {
  const match = /^\s*\$\{\s*jsonencode\s*\(([\s\S]*)\)\s*\}\s*$/.exec(text);
  if (!match) throw new Error(`not a \${jsonencode(...)} template: ${text.slice(0, 80)}`);
  return parseHcl(match[1], options);
}

/** Parses one HCL value (see the file comment); throws on text it cannot read. */
export function parseHcl(text: string, options: HclOptions = {}): unknown {
  const parser = new HclParser(text, options.unescape === true);
  const value = parser.value();
  parser.end();
  return value;
}

/**
 * A document that may be JSON text (a value Terraform knows), a `${jsonencode(...)}` template (cdktf's
 * configuration), or already a value: returns the value, or undefined when it cannot be read. Templates
 * are read with `unescape` (the review shows their strings to people).
 */
export function readDocument(source: unknown): unknown {
  if (source === null || source === undefined) return undefined;
  if (typeof source !== "string") return source;
  try {
    return isJsonencode(source) ? decodeJsonencode(source, { unescape: true }) : JSON.parse(source);
  } catch {
    return undefined;
  }
}

/** A Terraform reference such as `${aws_iam_role.hello_task_execution_role.arn}`, split; undefined otherwise. */
export function parseReference(value: unknown): { type: string; name: string; attribute: string } | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^\$\{([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)\.([A-Za-z_][\w]*)\}$/.exec(value);
  return match ? { type: match[1], name: match[2], attribute: match[3] } : undefined;
}

/**
 * A value for a human: `${aws_x.y.arn}` → `aws_x.y.arn`, `${aws_x.y.arn}:*` → `aws_x.y.arn:*`; an
 * interpolation that is not a plain reference keeps its `${...}`.
 */
export function showValue(value: unknown): string {
  if (typeof value !== "string") return JSON.stringify(value);
  return value.replace(INTERPOLATION, (whole, inner: string) => traversal(inner) ?? whole);
}

/** The traversals (`aws_x.y.arn`, `var.z`) a string's `${...}` interpolations are made of. */
export function interpolatedReferences(value: unknown): string[] {
  if (typeof value !== "string") return [];
  return [...value.matchAll(INTERPOLATION)].flatMap((match) => traversal(match[1]) ?? []);
}

/** A `${...}` with no braces or quotes inside (a call with a string argument is never a reference). */
const INTERPOLATION = /\$\{([^{}"]*)\}/g;

/** `a.b.c`, `a.b[0].c`, `a.b["k"].c`: a Terraform reference, not a call or an operation; undefined otherwise. */
function traversal(text: string): string | undefined {
  const trimmed = text.trim();
  return /^[A-Za-z_][\w-]*(?:\.[A-Za-z_*][\w-]*|\[(?:\d+|"[^"]*"|\*)\])+$/.test(trimmed) ? trimmed : undefined;
}

const OPENERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

class HclParser {
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly unescape: boolean,
  ) {}

  end(): void {
    this.skip(true);
    if (this.at < this.text.length) this.fail("unexpected text after the value");
  }

  value(): unknown {
    this.skip(true);
    const start = this.at;
    const c = this.text[this.at];
    let value: unknown;
    if (c === undefined) this.fail("a value was expected");
    // `[for x in xs : f(x)]` and `{for k, v in m : k => v}` are expressions, not literals.
    if ((c === "{" || c === "[") && /^[{[]\s*for\s/.test(this.text.slice(this.at, this.at + 40))) return this.expression();
    if (c === "{") value = this.object();
    else if (c === "[") value = this.tuple();
    else if (c === '"') value = this.string();
    else value = this.literal();
    // A primary followed by more than a separator is part of an expression: `{...}[0]`, `"a" == b`, `x ? y : z`.
    this.skip(false);
    if (!this.atSeparator()) {
      this.at = start;
      return this.expression();
    }
    return value;
  }

  private object(): Record<string, unknown> {
    this.at++; // {
    const result: Record<string, unknown> = {};
    for (;;) {
      this.skip(true);
      if (this.text[this.at] === ",") {
        this.at++;
        continue;
      }
      if (this.text[this.at] === "}") {
        this.at++;
        return result;
      }
      if (this.at >= this.text.length) this.fail("unterminated object");
      const key = this.key();
      this.skip(false);
      const separator = this.text[this.at];
      if (separator !== "=" && separator !== ":") this.fail("= or : expected after an object key");
      this.at++;
      result[key] = this.value();
      this.skip(false);
      const next = this.text[this.at];
      if (next !== "," && next !== "}" && next !== "\n" && next !== "\r") this.fail(", or } expected in an object");
    }
  }

  private key(): string {
    const c = this.text[this.at];
    if (c === '"') return this.string();
    if (c === "(") {
      const start = this.at;
      this.at = this.skipBalanced(this.at);
      return `\${${this.text.slice(start, this.at)}}`;
    }
    const match = /^[A-Za-z_][\w-]*/.exec(this.text.slice(this.at));
    if (!match) this.fail("an object key was expected");
    this.at += match[0].length;
    return match[0];
  }

  private tuple(): unknown[] {
    this.at++; // [
    const result: unknown[] = [];
    for (;;) {
      this.skip(true);
      if (this.text[this.at] === "]") {
        this.at++;
        return result;
      }
      if (this.at >= this.text.length) this.fail("unterminated tuple");
      result.push(this.value());
      this.skip(true);
      if (this.text[this.at] === ",") this.at++;
      else if (this.text[this.at] !== "]") this.fail(", or ] expected in a tuple");
    }
  }

  /** A quoted template: escapes decoded, `${...}` and `%{...}` kept as written, `$${` and `%%{` as `unescape` says. */
  private string(): string {
    let result = "";
    this.at++; // "
    for (;;) {
      const c = this.text[this.at];
      if (c === undefined || c === "\n") this.fail("unterminated string");
      if (c === '"') {
        this.at++;
        return result;
      }
      if (c === "\\") {
        result += this.escape();
        continue;
      }
      if ((c === "$" || c === "%") && this.text[this.at + 1] === c && this.text[this.at + 2] === "{") {
        result += this.unescape ? `${c}{` : `${c}${c}{`;
        this.at += 3;
        continue;
      }
      if ((c === "$" || c === "%") && this.text[this.at + 1] === "{") {
        const end = this.skipBalanced(this.at + 1);
        result += this.text.slice(this.at, end);
        this.at = end;
        continue;
      }
      result += c;
      this.at++;
    }
  }

  private escape(): string {
    const c = this.text[this.at + 1];
    const simple: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };
    if (c in simple) {
      this.at += 2;
      return simple[c];
    }
    const hex = c === "u" ? 4 : c === "U" ? 8 : 0;
    const digits = this.text.slice(this.at + 2, this.at + 2 + hex);
    if (!hex || !new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) this.fail("bad escape in a string");
    this.at += 2 + hex;
    return String.fromCodePoint(parseInt(digits, 16));
  }

  private literal(): unknown {
    const rest = this.text.slice(this.at);
    const number = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(rest);
    if (number) {
      this.at += number[0].length;
      return Number(number[0]);
    }
    const word = /^[A-Za-z_][\w-]*/.exec(rest);
    if (word && ["true", "false", "null"].includes(word[0])) {
      this.at += word[0].length;
      return word[0] === "true" ? true : word[0] === "false" ? false : null;
    }
    return this.expression();
  }

  /** Any other expression, up to the next separator outside brackets and strings, as `${expression}`. */
  private expression(): string {
    const start = this.at;
    const end = this.scan(start, []);
    const expression = this.text.slice(start, end).trim();
    if (!expression) this.fail("a value was expected");
    this.at = end;
    return `\${${expression}}`;
  }

  private atSeparator(): boolean {
    const c = this.text[this.at];
    return c === undefined || c === "," || c === "}" || c === "]" || c === ")" || c === "\n" || c === "\r";
  }

  /** Skips spaces and comments; newlines too when `newlines`. */
  private skip(newlines: boolean): void {
    for (;;) {
      const c = this.text[this.at];
      if (c === " " || c === "\t" || (newlines && (c === "\n" || c === "\r"))) this.at++;
      else if (c === "#" || (c === "/" && this.text[this.at + 1] === "/")) {
        while (this.at < this.text.length && this.text[this.at] !== "\n") this.at++;
      } else if (c === "/" && this.text[this.at + 1] === "*") {
        const end = this.text.indexOf("*/", this.at + 2);
        if (end < 0) this.fail("unterminated comment");
        this.at = end + 2;
      } else return;
    }
  }

  /** Index just past the string that starts at `i`. */
  private skipString(i: number): number {
    i++;
    while (i < this.text.length) {
      const c = this.text[i];
      if (c === "\\") i += 2;
      else if (c === '"') return i + 1;
      else if ((c === "$" || c === "%") && this.text[i + 1] === c && this.text[i + 2] === "{") i += 3;
      else if ((c === "$" || c === "%") && this.text[i + 1] === "{") i = this.skipBalanced(i + 1);
      else i++;
    }
    this.fail("unterminated string");
  }

  /** Index just past the bracketed text that starts at `i` (on `(`, `[` or `{`). */
  private skipBalanced(i: number): number {
    return this.scan(i + 1, [OPENERS[this.text[i]]]);
  }

  /**
   * Walks the text from `i`, over strings and nested brackets. With closers still `owed`: returns the index
   * just past the one that settles them. With none: the index of the first `,`, newline or closer outside
   * brackets (where a bare expression ends), or the end of the text.
   */
  private scan(i: number, owed: string[]): number {
    const balancing = owed.length > 0;
    while (i < this.text.length) {
      const c = this.text[i];
      if (c === '"') {
        i = this.skipString(i);
        continue;
      }
      if (c in OPENERS) owed.push(OPENERS[c]);
      else if (c === ")" || c === "]" || c === "}") {
        if (owed.length === 0) return i;
        if (owed.pop() !== c) this.fail(`unbalanced ${c}`);
        if (balancing && owed.length === 0) return i + 1;
      } else if (owed.length === 0 && (c === "," || c === "\n" || c === "\r")) return i;
      i++;
    }
    if (balancing) this.fail("unterminated brackets");
    return i;
  }

  private fail(message: string): never {
    throw new Error(`cannot read HCL at ${this.at} (${message}): ${JSON.stringify(this.text.slice(this.at, this.at + 40))}`);
  }
}
