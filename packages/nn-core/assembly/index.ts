// Entry of the WebAssembly kernels module (build/kernels.wasm): everything the JavaScript side calls.
export { heapBase, packBAll, packedBFloats, relaxed, sgemm, sgemmPacked, transpose, whhTStride, workBytes } from './sgemm';
export { cellScratchBytes, gruCellForward, lstmCellBackward, lstmCellForward, rnnTanhCellForward } from './rnn_cells';
export { recurrentLayerBackwardSteps, recurrentLayerSteps } from './rnn_layer';
export { gruCellBackward, rnnCellBackward, rnnReluCellForward, vectorAdd } from './rnn_cells';
export { adamStep } from './adam';
export { gatherRows, poolSteps } from './pool';
export { sameBits, tokenRowsFinish, tokenRowsLookup } from './token_rows';
