// The planning shell (DESIGN §1): gathers the outside inputs (live state through the Provider, the
// record, the clock) and calls the pure planner once. No terminal, no console: commands format.
export {
  getPlan,
  needsLinkCounts,
  readCurrent,
  refuseOtherOrg,
  type Current,
  type GetPlanInput,
  type Planned,
  type ReadInput,
  type ReadingProvider,
  type ReadProgress,
  type Reads,
  type RunTarget,
} from './get-plan.js';
export { refuseChangedManifest, replanSavedPlan, type SavedPlanInput } from './saved-plan.js';
export { planImport, type ImportInput, type ImportPlan } from './plan-import.js';
export { parsePlanFile, readPlanFile } from './plan-file.js';
