import { createWasmScan } from './wasmScan.js'

/**
 * This thread's instance of the kernel's WebAssembly module (each worker thread imports its own), or null without
 * WebAssembly SIMD: the kernel and the re-check then use their JavaScript loops.
 */
export const wasm = createWasmScan()
