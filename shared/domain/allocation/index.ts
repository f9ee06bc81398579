export { greedyAllocation } from './greedy';
export {
  type AllocationProblem,
  AllocationProblemError,
  type AllocationResult,
  type Certificate,
  type SolveOptions,
  validateProblem,
} from './problem';
export { solveAllocation } from './solver';
