export {
  type ColumnDrift,
  type DriftOptions,
  type DriftReport,
  driftBetween,
  PSI_THRESHOLDS,
  populationStabilityIndex,
  psiVerdict,
} from './drift';
export { type DatasetFreshness, type FreshnessOptions, freshness, STALE_AFTER_DAYS } from './freshness';
export { type ColumnProfile, type DatasetProfile, datasetProfile } from './profile-schema';
export { DatasetProfiler, PROFILER_DEFAULTS, type ProfilerOptions } from './profiler';
export { renderQualityReportHtml } from './render-report';
export {
  type BatchQualityInput,
  type BatchQualityReport,
  batchQualityReport,
  buildBatchQualityReport,
  DEFAULT_QUALITY_THRESHOLDS,
  type FileAccountLike,
  type QualityThresholds,
} from './report';
