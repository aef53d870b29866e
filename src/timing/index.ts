export { experimentSchema, readExperiment, resolveExperiment, trainConfigSchema, type ExperimentConfig, type ResolvedExperiment } from '../eval/run/experiment.js';
export { gitCommit } from '../eval/run/commit.js';
export { ARTIFACT_FORMAT, ARTIFACT_VERSION, newModelId, readArtifact, resolveModelDir, writeArtifact, type Artifact, type ArtifactMeta, type Range } from './artifact.js';
export { splitTail, trainExperiment, type TrainedModel, type TrainRun } from './train.js';
export { predictWithModel, type PredictionRow, type Predictions, type PredictRun } from './predict.js';
