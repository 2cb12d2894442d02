import { UsageError } from "../status/stack";

/*
 * The container command of `--command "<shell words>"` and `--command-json '["a","b"]'`. ECS runs a
 * command override as an exec array, with no shell: so words are split the way a POSIX shell splits them
 * (quotes and backslashes), and nothing is expanded. Shell syntax that would silently mean something else
 * without a shell (`&&`, `|`, `;`, redirections, `$VAR`, backquotes) is refused, pointing at `sh -c`.
 */

/** Splits shell words: `db:migrate --to "20250101 120000"` → `["db:migrate", "--to", "20250101 120000"]`. */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === "'") {
      const end = text.indexOf("'", index + 1);
      if (end < 0) throw new UsageError(`--command has an unterminated ' quote: ${text}`);
      word += text.slice(index + 1, end);
      inWord = true;
      index = end;
    } else if (char === '"') {
      inWord = true;
      let closed = false;
      for (index++; index < text.length; index++) {
        const inner = text[index];
        if (inner === '"') {
          closed = true;
          break;
        }
        if (inner === "\\" && index + 1 < text.length && '"\\$`\n'.includes(text[index + 1])) {
          index++;
          if (text[index] !== "\n") word += text[index];
        } else if (inner === "$" || inner === "`") {
          throw shellSyntax(text, inner);
        } else {
          word += inner;
        }
      }
      if (!closed) throw new UsageError(`--command has an unterminated " quote: ${text}`);
    } else if (char === "\\") {
      if (index + 1 < text.length) {
        index++;
        if (text[index] !== "\n") {
          word += text[index];
          inWord = true;
        }
      }
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if ("|&;<>`$".includes(char)) {
      throw shellSyntax(text, char);
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  if (words.length === 0) throw new UsageError("--command is empty: give the command to run, e.g. --command \"npm run migrate\"");
  return words;
}

/** `--command-json '["npm","run","migrate"]'`: a non-empty JSON array of strings. */
export function parseCommandJson(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--command-json is not JSON (${(error as Error).message}): give an array of strings, e.g. '["npm","run","migrate"]'`);
  }
  if (!Array.isArray(value) || value.length === 0 || value.some((item) => typeof item !== "string")) {
    throw new UsageError(`--command-json must be a non-empty array of strings, e.g. '["npm","run","migrate"]': got ${text}`);
  }
  return value as string[];
}

function shellSyntax(text: string, char: string): UsageError {
  const what = char === "$" ? "$ (a variable or $(…))" : char === "`" ? "` (command substitution)" : `${char} (shell syntax)`;
  return new UsageError(
    `--command runs without a shell, so ${what} would not mean what it does in a shell: ${text}\n` +
      `Quote it with '…' to pass it literally, or run a shell: --command-json '["sh","-c","<your command line>"]'`,
  );
}
