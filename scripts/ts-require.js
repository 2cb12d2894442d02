// Lets `node -r ./scripts/ts-require.js main.ts` run the app's TypeScript: each .ts file is stripped of
// its types by esbuild once and cached by content hash under node_modules/.cache. Unlike a general loader
// (tsx, ts-node) it hooks nothing but `.ts` files and enables no source maps, which make every stack
// trace cdktf captures for its tokens expensive. The types of the app file that is run (and of what it
// imports) are checked by scripts/type-check.js, in parallel, before the app may synthesize anything.
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const cacheDir = path.join(__dirname, "..", "node_modules", ".cache", "fargate-as-code-ts");
let esbuild;

require.extensions[".ts"] = (module, filename) => {
  const source = fs.readFileSync(filename, "utf8");
  const key = crypto.createHash("sha256").update(filename).update("\0").update(source).digest("hex");
  const cached = path.join(cacheDir, `${key}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, "utf8");
  } catch {
    esbuild ??= require("esbuild");
    code = esbuild.transformSync(source, { loader: "ts", format: "cjs", target: "node20", sourcefile: filename }).code;
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(cached, code);
  }
  module._compile(code, filename);
};

// The app file this process runs (`node -r ./scripts/ts-require.js <app.ts>`): its program is type-checked
// before it synthesizes. The project's own tools under scripts/ are left to `npm run build`.
const entry = process.argv[1];
if (require("worker_threads").isMainThread && entry && entry.endsWith(".ts") && path.relative(__dirname, entry).startsWith("..")) {
  require("./type-check").checkAppAtSynth(entry);
}
