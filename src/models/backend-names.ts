// The backend choices, apart from backend.ts so the CLI can offer them without loading tfjs.

export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export const BACKEND_NAMES: readonly BackendName[] = ['auto', 'tensorflow', 'wasm', 'cpu'];
