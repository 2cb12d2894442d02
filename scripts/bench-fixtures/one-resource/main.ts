// The baseline for `npm run bench` (scripts/bench.js): the smallest useful cdktf app, one AWS provider
// and one resource, imported the same way as src/ (deep imports, not the provider's barrel). The default
// app is measured against it. Its node_modules are the repository's (found by walking up from here).
import { App, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";

const app = new App();
const stack = new TerraformStack(app, "one-resource");
new AwsProvider(stack, "aws", { region: "eu-west-1" });
new CloudwatchLogGroup(stack, "log-group", { name: "/bench/one-resource", retentionInDays: 7 });
app.synth();
