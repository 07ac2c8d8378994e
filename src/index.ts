/**
 * zpi's public API, listed by name: the manifest loader, the pure planner, the renderers, the
 * executor, the Zoho client, the sandbox, the record reader, and the types they trade in. Everything
 * else under src/ is internal and may change without notice. The CLI (bin/zpi.js) is built on the same.
 */

// The manifest loader: YAML → Desired, every problem located as file:line:col.
/** Reads and checks a manifest file; throws ManifestError listing every problem. */
export { loadManifest } from './manifest/load-manifest.js';
/** Checks manifest text or bytes; returns the Desired state or the problems, never throws for bad input. */
export { parseManifest } from './manifest/parse-manifest.js';
/** Checks manifest files (`zpi validate`): every problem of every file, and the warnings of the valid ones. */
export { checkFiles } from './manifest/load-manifest.js';
/** The live settings as a manifest (`zpi export`). */
export { liveToManifest } from './manifest/export-manifest.js';

// The planner: pure, no I/O.
/** plan(desired, live, ctx): the ordered steps that take the live state to the desired one. */
export { plan } from './plan/compute-plan.js';

// The renderers: Plan → string.
/** The plan in Terraform's idiom, for a terminal. */
export { renderText } from './render/render-text.js';
/** The plan as JSON (what `zpi plan --out` saves), with its formatVersion. */
export { renderJson } from './render/render-json.js';
/** The plan as a pull-request comment, within GitHub's comment size. */
export { renderMarkdown } from './render/render-markdown.js';
/** The marker a plan comment starts with, to find and update it. */
export { MARKDOWN_MARKER } from './render/render-markdown.js';
/** A unified diff of the live settings against the manifest's, both in canonical form. */
export { renderManifestDiff } from './render/render-diff.js';
/** One progress line for an apply event (`[3/14] + grant carol@acme.com … ok`). */
export { formatStepLine } from './render/apply-progress.js';
/** The closing line of an apply: complete, or where and why it stopped. */
export { formatSummary } from './render/apply-progress.js';

// Saved plans: the file `zpi plan --out` writes, read back.
/** Reads and checks a saved plan file; one UserError line for anything wrong. */
export { readPlanFile } from './run/plan-file.js';
/** Checks the text of a saved plan. */
export { parsePlanFile } from './run/plan-file.js';

// The executor.
/** Carries out a plan's steps against a Provider, with retries, batching and progress events. */
export { executePlan } from './apply/execute-plan.js';
/** Takes the machine-wide apply lock of one org on one endpoint. */
export { acquireLock } from './apply/lock.js';

// The Zoho client.
/** The Provider over Zoho's HTTP API (or the sandbox, which speaks the same wire API). */
export { createZohoProvider } from './provider/zoho-provider.js';
/** The OAuth credentials from ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET and ZOHO_REFRESH_TOKEN. */
export { credentialsFromEnv } from './provider/zoho-provider.js';

// The sandbox.
/** Starts the local emulator of Zoho's API on 127.0.0.1. */
export { startSandbox } from './sandbox/server.js';

// The record (DESIGN §5a).
/** Reads a record file; undefined when there is none yet. */
export { readRecord } from './record/record-file.js';
/** Where the record of a manifest lives: `X.state.json` beside `X.yaml`, or --state. */
export { recordPathFor } from './record/record-file.js';

// The model.
/** A stable hash of a live state, as a plan records it. */
export { fingerprint } from './model/fingerprint.js';
/** The four permissions in canonical order. */
export { PERMISSIONS } from './model/permissions.js';
/** The formatVersion of saved plans this zpi writes and reads. */
export { PLAN_FORMAT_VERSION } from './model/plan.js';
/** The plan as its JSON prints it: with the summary counts, the write-call estimate and each step's `manual`, computed from the steps. */
export { planDocument } from './model/plan-document.js';

// Errors: a UserError (and its subclasses) is the user's to fix, printed as one line; anything else is a bug.
/** An error the user can fix: one line, no stack. */
export { UserError } from './model/errors.js';
/** Problems in manifest files, each located. */
export { ManifestError } from './model/errors.js';
/** A valid manifest that cannot be planned against this org (unknown user, wrong org…). */
export { PlanError } from './model/errors.js';
/** A call Zoho (or the network) failed, with Zoho's code and whether it is retryable. */
export { ZohoApiError } from './model/errors.js';
/** An apply stopped by a signal or a lost lock after the call in flight. */
export { ApplyStopped } from './model/errors.js';

// Types.
/** The desired state, from the manifest. */
export type { Desired, DesiredPortal, DesiredUser, SourcePos } from './model/desired.js';
/** The live state, as read from Zoho. */
export type { Live, LiveIntegration, LivePortal, LiveUser, LinkCounts } from './model/live.js';
/** A permission on projects inside CRM. */
export type { Permission } from './model/permissions.js';
/** A plan and its parts. */
export type { AccessChange, AccessReason, Drift, Plan, PlanOptions, PlanTarget, Step, StepAction, StepKind } from './model/plan.js';
/** The printed plan and its summary counts. */
export type { PlanDocument, PrintedStep } from './model/plan-document.js';
export type { PlanSummary } from './model/summarize-plan.js';
/** What plan() needs besides the desired and live states. */
export type { PlanContext } from './plan/compute-plan.js';
/** A located problem. */
export type { Problem } from './model/errors.js';
/** What parseManifest and checkFiles return. */
export type { ParseResult } from './manifest/parse-manifest.js';
/** The manifest's own shape (generated from its JSON Schema). */
export type { ZpiManifest } from './manifest/manifest.gen.js';
/** Renderer options. */
export type { TextOptions } from './render/render-text.js';
/** What an apply reports. */
export type { ApplyEvent, ApplyResult } from './model/apply-events.js';
/** executePlan's options. */
export type { ExecuteOptions } from './apply/execute-options.js';
/** The apply lock. */
export type { ApplyLock, LockOptions } from './apply/lock.js';
/** What zpi needs from Zoho: the Provider contract. */
export type { ItemResult, Provider, ReadOptions } from './provider/provider.js';
/** The Zoho client and its options. */
export type { ZohoProvider, ZohoProviderOptions } from './provider/zoho-provider.js';
/** The OAuth refresh-token credentials. */
export type { ZohoCredentials } from './provider/oauth-token.js';
/** How failed calls are retried. */
export type { RetryPolicy } from './retry/retry-policy.js';
/** The sandbox's options and handle. */
export type { SandboxHandle, SandboxOptions } from './sandbox/server.js';
/** The record. */
export type { HistoryEntry, RecordedSettings, RecordFile, RecordSection } from './model/record.js';
