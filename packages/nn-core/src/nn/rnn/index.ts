export { RNNBase, type RNNBaseOptions, type RNNForwardOptions, type RNNConfig } from './rnn_base.js';
export { RNN, LSTM, GRU, type RNNOptions, type LSTMOptions } from './rnn.js';
export { RNNCell, LSTMCell, GRUCell, rnnCellStep, lstmCellStep, gruCellStep, type CellOptions, type CellWeights } from './cells.js';
export type { Lengths } from './lengths.js';
export { PackedSequence, padSequence, packPaddedSequence, padPackedSequence } from './packed.js';
export type { PadSequenceOptions, PackOptions, PadPackedOptions } from './packed.js';
