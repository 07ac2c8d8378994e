// The renderers' surface (the CLI and src/index.ts); the parts they are built from are imported by path.
export { renderText, type TextOptions } from './render-text.js';
export { renderJson } from './render-json.js';
export { renderMarkdown, MARKDOWN_LIMIT, MARKDOWN_MARKER } from './render-markdown.js';
export { blockInstructions, blockTitle, settingsChecklist, tickBoxes } from './runbook.js';
export { formatStepLine, formatSummary, type ProgressLineOptions } from './apply-progress.js';
