/**
 * A word of an environment variable name that says its value is a secret: one that ends in a secret term
 * (`PGPASSWORD`, `JWTSECRET`, `AUTHTOKEN`) but not one that merely starts with it (`SECRETARY`, `TOKENIZER`).
 */
const SECRET_WORD =
  /^(?:[A-Z0-9]*(?:PASSWORD|PASSWD|PASSPHRASE|PWD|SECRET|SECRETKEY|TOKEN|APIKEY|PRIVATEKEY|ACCESSKEY|CREDENTIALS?)|PASS)$/;

/**
 * Whether a variable name says it holds a secret (`DB_PASSWORD`, `dbPassword`, `PGPASSWORD`, `API_KEY`):
 * its words, split at `_`, `-` and camelCase, and each two adjacent words joined, against SECRET_WORD.
 * Used by the container's synth check and by the plan review.
 */
export function looksSecret(variable: string): boolean {
  const words = variable
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  const pairs = words.slice(1).map((word, index) => words[index] + word);
  return [...words, ...pairs].some((word) => SECRET_WORD.test(word));
}
