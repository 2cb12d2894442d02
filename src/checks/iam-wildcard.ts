/**
 * IAM's wildcard match: `*` any run of characters, `?` one. Actions compare case-insensitively (IAM does),
 * resources exactly.
 */
export function iamMatches(pattern: string, value: string, caseInsensitive = true): boolean {
  const [p, v] = caseInsensitive ? [pattern.toLowerCase(), value.toLowerCase()] : [pattern, value];
  if (!/[*?]/.test(p)) return p === v;
  const regex = p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${regex}$`).test(v);
}
