import { Construct } from "constructs";
import { rejectUnknownProps } from "../src";
import { synthErrors } from "./support/synth";

/*
 * rejectUnknownProps: what a JavaScript app (no compiler) gets for a prop the construct does not take.
 */

const KNOWN = ["name", "image", "port", "healthCheck", "desiredCount", "networkOptions"];

/** The synth errors of a construct given `props`, checked against KNOWN. */
function errorsFor(props: object | undefined): string[] {
  return synthErrors((stack) => rejectUnknownProps(new Construct(stack, "web"), props, KNOWN, "WebProps"));
}

const unknown = (key: string, fix: string) =>
  `[test/web] ${key}: WebProps has no prop "${key}", so its value would be ignored. Fix: ${fix}`;

test("a misspelled key stops synth, naming the closest known key (case ignored)", () => {
  expect(errorsFor({ name: "hello", healthcheck: { path: "/healthz" } })).toEqual([
    unknown("healthcheck", 'did you mean "healthCheck"? Rename it'),
  ]);
});

test("known keys, with any values (undefined included), pass", () => {
  expect(errorsFor({ name: "hello", image: "nginx:1.27", healthCheck: { path: "/healthz" }, port: undefined })).toEqual([]);
  expect(errorsFor({})).toEqual([]);
  expect(errorsFor(undefined)).toEqual([]);
});

test("several unknown keys: one error each, in the order written; a key close to none lists the known keys", () => {
  expect(errorsFor({ nmae: "hello", desiredcount: 2, image: "nginx:1.27", networkOption: {}, replicas: 3 })).toEqual([
    unknown("nmae", 'did you mean "name"? Rename it'),
    unknown("desiredcount", 'did you mean "desiredCount"? Rename it'),
    unknown("networkOption", 'did you mean "networkOptions"? Rename it'),
    unknown("replicas", "remove it, or use one of WebProps's props: name, image, port, healthCheck, desiredCount, networkOptions"),
  ]);
});

test("the value of an unknown key is never printed: it may be a secret", () => {
  const errors = errorsFor({ secrts: { PASSWORD: "hunter2-canary" } });
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(/^\[test\/web\] secrts: /);
  expect(errors.join("\n")).not.toContain("hunter2-canary");
});
