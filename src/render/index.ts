export { renderText, type TextOptions } from './render-text.js';
export { renderJson } from './render-json.js';
export { parsePlanFile, readPlanFile } from './parse-plan-file.js';
export { renderMarkdown, MARKDOWN_LIMIT, MARKDOWN_MARKER } from './render-markdown.js';
export { renderManifestDiff } from './render-diff.js';
export { manualInstructions, tickBoxes } from './manual-steps.js';
export { describeSteps, formatBlastRadius, type StepLine } from './describe-steps.js';
export { summaryLine, effortLine } from './summary-line.js';
