// The app: stacks, state backends, environments declared once.
export * from "./app/environments";
export * from "./app/fargate-stack";
export * from "./app/state-backend";
export * from "./app/synthesize";
export * from "./app/terraform-ignore";
export * from "./app/us-east-1-provider";
// Synth checks.
export * from "./checks/unknown-props";
// What services in one environment share.
export * from "./environment/alert-topic";
export * from "./environment/alias-records";
export * from "./environment/certificate";
export * from "./environment/cluster";
export * from "./environment/environment";
export * from "./environment/file-system";
export * from "./environment/hardening/access-log-bucket";
export * from "./environment/hardening/encryption-key";
export * from "./environment/hardening/flow-logs";
export * from "./environment/hardening/hardening";
export * from "./environment/hardening/query-log-delivery";
export * from "./environment/hardening/web-acl";
export * from "./environment/hardening/zone-dnssec";
export * from "./environment/hardening/zone-query-logging";
export * from "./environment/hosted-zone";
export * from "./environment/listener-routes";
export * from "./environment/load-balancer";
export * from "./environment/network";
export * from "./environment/queue";
export * from "./environment/stopped-task-events";
// The kinds of workload: services, scheduled and one-off tasks.
export * from "./services/backend-service";
export * from "./services/capacity";
export * from "./services/fargate-service";
export * from "./services/fargate-web-app";
export * from "./services/one-off-task";
export * from "./services/scheduled-task";
export * from "./services/service-alarms";
export * from "./services/service-auto-scaling";
export * from "./services/service-base";
export * from "./services/target-group";
export * from "./services/web-service";
export * from "./services/worker-service";
export * from "./services/workload-base";
// A task: its definition, containers, roles, secrets and logs.
export * from "./task/container-definition";
export * from "./task/execution-role";
export * from "./task/fargate-sizes";
export * from "./task/log-group";
export * from "./task/secret-parameter";
export * from "./task/secrets-manager-secret";
export * from "./task/task-security-group";
export * from "./task/task-definition";
export * from "./task/task-role";
