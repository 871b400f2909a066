export { writeFileAtomic } from '#platform';
export { SafetensorsError, type SafetensorsErrorCode } from './errors.js';
export {
  loadSafetensors,
  parseSafetensors,
  saveSafetensors,
  serializeSafetensors,
  type ParseSafetensorsOptions,
  type SafetensorsContents,
} from './safetensors.js';
export type { SafetensorsDtype } from './elements.js';
