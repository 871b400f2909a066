/**
 * The default recipe: what `pnpm train` runs with no arguments, and how the shipped model was trained.
 *
 * Data: bundled SST-2 (`data/sst2/train.tsv`, validation on `dev.tsv`), labels `0`/`1` shown as
 * `negative`/`positive`. Model: `DEFAULT_ARCHITECTURE` (model_config.ts). Training: `DEFAULT_TRAIN_OPTIONS`
 * (options.ts). How it was found, and the variants tried: packages/docs/recipe.md.
 */
import { joinPath, localPath } from '#platform';
import type { TrainOptions } from './train.js';

/** The bundled SST-2 directory of the repository (`data/sst2`), resolved from this module's location. */
export const SST2_DIR = localPath(new URL('../../../data/sst2/', import.meta.url));

/** Display names of SST-2's labels. */
export const SST2_LABEL_NAMES: Readonly<Record<string, string>> = { '0': 'negative', '1': 'positive' };

/** Options of the default recipe (SST-2 train → dev), with `overrides` applied on top. */
export function defaultRecipe(overrides: Partial<TrainOptions> = {}): TrainOptions {
  return {
    train: joinPath(SST2_DIR, 'train.tsv'),
    dev: joinPath(SST2_DIR, 'dev.tsv'),
    labelNames: { ...SST2_LABEL_NAMES },
    ...overrides,
  };
}
