export { DataFormatError, NonFiniteLossError, ModelFormatError, type DataFormatErrorCode, type ModelFormatErrorCode } from './errors.js';
export { readDataset, parseDataset, formatOf, splitCsv, type DataFormat, type Example, type BadRow, type ReadOptions, type Dataset } from './data/read.js';
export { sortLabels, encodeLabels } from './data/labels.js';
export { DataLoader, makeBatch, PAD_ID, type Batch, type EncodedData, type LoaderOptions } from './data/loader.js';
export { TextClassifier, resolveConfig, DEFAULT_ARCHITECTURE, type TextClassifierConfig, type TextClassifierOptions, type CellType, type Pooling } from './model.js';
export { accuracy, confusionMatrix, classificationMetrics, metricsFromConfusion, type Metrics, type ClassMetrics } from './metrics.js';
