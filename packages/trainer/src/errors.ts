/**
 * Typed errors of the trainer library. Each carries the facts a caller (the CLI, a test) needs as fields,
 * and a one-sentence message.
 */

/** Why a data file was rejected. */
export type DataFormatErrorCode =
  | 'unknown-format'
  | 'empty-file'
  | 'missing-column'
  | 'bad-row'
  | 'unseen-label'
  | 'no-examples';

/** A data file that cannot be read as examples: names the file and, for one bad row, its 1-based line. */
export class DataFormatError extends Error {
  override readonly name = 'DataFormatError';
  constructor(
    readonly code: DataFormatErrorCode,
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(`${file}${line === null ? '' : `:${line}`}: ${reason}`);
  }
}

/**
 * A NaN or infinite training loss, or gradient norm (`quantity`; `loss` holds the value), caught before the
 * optimizer step; the last good checkpoint on disk is left untouched.
 */
export class NonFiniteLossError extends Error {
  override readonly name = 'NonFiniteLossError';
  constructor(
    readonly epoch: number,
    readonly step: number,
    readonly loss: number,
    readonly quantity: 'training loss' | 'gradient norm' = 'training loss',
  ) {
    super(`the ${quantity} became ${loss} at epoch ${epoch}, step ${step}; training stopped`);
  }
}

/** Why a model directory was rejected. */
export type ModelFormatErrorCode = 'missing-file' | 'bad-config' | 'unsupported-version' | 'shape-mismatch' | 'bad-state';

/** A model directory (or training state) that cannot be loaded: names the file and what is wrong. */
export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
  constructor(
    readonly code: ModelFormatErrorCode,
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}
