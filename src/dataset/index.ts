export { datasetConfigSchema, EXECUTIONS, type DatasetConfig, type Execution, type ResolvedDatasetConfig } from './config.js';
export { loadMarket, loadContinuous, minuteInterval, type ContinuousDaily, type MarketData, type MinuteDay, type LoadOptions } from './load.js';
export { buildDataset, dailyFeatureMatrix, droppedSummary, minuteGrid, type BuildRange, type Dataset, type DroppedDate, type Samples } from './build.js';
export { fitScalers, modelInputs, UNSCALED_MINUTE, type ModelInputs, type Scalers } from './inputs.js';
export { applyScaler, fitScaler, quantile, type ScalerState } from './scaler.js';
