/** Reading Terraform JSON configuration: shared by the plan harness and its batches. */
import * as fs from "fs";
import * as path from "path";

/** The parsed *.tf.json files of a dir but override files, by file name. */
export function readConfigFiles(dir: string): Map<string, any> {
  const files = new Map<string, any>();
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith(".tf.json") || /(^|_)override\.tf\.json$/.test(file)) continue;
    try {
      files.set(file, JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")));
    } catch (error) {
      throw new Error(`${file} in ${dir} is not valid JSON: ${(error as Error).message}`);
    }
  }
  return files;
}

export function asArray(value: any): any[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function sortKeys(value: any): any {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
  }
  return value;
}
