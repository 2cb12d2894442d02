// cdktf's Testing.app() makes a temporary outdir for every app given none and leaves it behind (about 80 a
// run). As jest's setup file, this removes a test file's after it; prefetch-plans.js removes its own.
const fs = require("fs");
const { Testing } = require("cdktf");

/** Has Testing.app() note the outdirs it makes; the function returned removes those made so far. */
function trackTestingOutdirs() {
  const made = [];
  const app = Testing.app;
  Testing.app = function (options = {}) {
    const created = app.call(this, options);
    if (!options.outdir) made.push(created.outdir);
    return created;
  };
  return () => made.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
}

module.exports = { trackTestingOutdirs };
if (typeof afterAll === "function") afterAll(trackTestingOutdirs());
