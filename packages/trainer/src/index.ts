export { DataFormatError, NonFiniteLossError, ModelFormatError, type DataFormatErrorCode, type ModelFormatErrorCode } from './errors.js';
export { readDataset, parseDataset, datasetFromExamples, type LabelledText, formatOf, splitCsv, type DataFormat, type Example, type BadRow, type ReadOptions, type Dataset } from './data/read.js';
export { sortLabels, encodeLabels } from './data/labels.js';
export { DataLoader, makeBatch, PAD_ID, type Batch, type EncodedData, type LoaderOptions } from './data/loader.js';
export { TextClassifier, loadModel, loadModelFrom, resolveConfig, DEFAULT_ARCHITECTURE, bigramRow, BIGRAM_PRIME, MAX_BIGRAM_BUCKETS, type LoadedModel, type TextClassifierConfig, type TextClassifierOptions, type CellType, type Pooling } from './model.js';
export { accuracy, confusionMatrix, classificationMetrics, metricsFromConfusion, type Metrics, type ClassMetrics } from './metrics.js';
export { trainingBudget, TRAINING_BUDGET, type TrainingBudget } from './budget.js';
export { train, DEFAULT_TRAIN_OPTIONS, type TrainOptions, type TrainCallbacks, type TrainResult, type BatchEndInfo, type EpochEndInfo, type EpochRecord, type LrSchedule, type StartInfo, type EmbeddingCoverage } from './train.js';
export { readWordVectors, type WordVectors, type ReadWordVectorsOptions } from './data/word_vectors.js';
export { TrainingRun, fitExpertTables, fitExperts, type EpochTotals, type ExpertsFit } from './training_run.js';
export { NaiveBayes } from './naive_bayes.js';
export { LinearExpert, type LinearFitOptions } from './linear_expert.js';
export { TableExpert, EXPERT_SCALES, fitExpertScales, type ScaleFit } from './table_expert.js';
export { resolveOptions, savedTrainOptions, type ResolvedOptions, type RunOptions } from './options.js';
export { prepareData, type DataOptions, type PreparedData, type SavedVocabulary } from './prepare.js';
export { buildPipeline, pipelineFromJson, type TextPipeline, type PipelineOptions } from './pipeline.js';
export { predictEncoded, evaluateEncoded, type Predictions, type Evaluation } from './evaluate.js';
export { FORMAT_VERSION, MODEL_FILES, writeFilesAtomic, recoverCheckpoint } from './checkpoint.js';
export { readJson, writeJson, type Json } from './json.js';
export {
  saveModel,
  readModelDir,
  readModelConfig,
  loadWeights,
  checkConfig,
  type ModelConfigFile,
  type ModelDirectory,
  type SaveModelInput,
  type TrainingMetrics,
} from './model_dir.js';
export {
  saveCheckpoint,
  saveTrainingState,
  loadTrainingState,
  readSavedRun,
  type TrainingState,
  type SavedTraining,
  type SavedRun,
  type SchedulerState,
} from './training_state.js';
export { trainingCurveSvg, type CurvePoint } from './chart.js';
export { Classifier, type Prediction } from './classifier.js';
export { memorySource, urlSource, isUrl, type ModelFiles, type ModelSource, type UrlSourceOptions } from './model_files.js';
export { SentimentClassifier, DEFAULT_MODEL_DIR } from './sentiment.js';
export { defaultRecipe, SST2_DIR, SST2_LABEL_NAMES } from './recipe.js';
export { exportOnnx, textClassifierOnnx, ONNX_OPSET, type ExportOnnxOptions } from './onnx/export.js';
