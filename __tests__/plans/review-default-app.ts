// The stacks review-default-app.test.ts plans: the default app, as terraform-default-app.test.ts plans it.
export { appToSynthesize, stacksToPlan } from "./terraform-default-app";
