// The planner's surface: plan() and its context. The parts it is built from are imported by path.
export { plan, type PlanContext } from './compute-plan.js';
