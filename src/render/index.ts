export { renderText, type TextOptions } from './render-text.js';
export { renderJson } from './render-json.js';
export { parsePlanFile, readPlanFile } from './parse-plan-file.js';
export { renderMarkdown, MARKDOWN_LIMIT, MARKDOWN_MARKER } from './render-markdown.js';
export { renderManifestDiff } from './render-diff.js';
export { blockInstructions, blockTitle, settingsChecklist, tickBoxes } from './runbook.js';
export { describeSteps, formatBlastRadius, type StepLine } from './describe-steps.js';
export { summaryLine, effortLine } from './summary-line.js';
