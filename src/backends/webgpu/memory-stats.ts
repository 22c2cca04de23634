// What memoryStats() reports, in a file of its own so the public declarations need no WebGPU types.
export interface MemoryStats {
  /** GPU buffers held by arrays (and not yet disposed or collected), and the bytes those arrays need. */
  readonly liveBuffers: number;
  readonly liveBytes: number;
  /** The most bytes live at once since the device was acquired. */
  readonly peakBytes: number;
  /** Buffers idle in the allocator's cache, waiting for reuse, and their bytes (see emptyCache()). */
  readonly cachedBuffers: number;
  readonly cachedBytes: number;
  /** Buffers created on the device, and requests served from the cache instead, since acquisition. */
  readonly created: number;
  readonly reused: number;
  /** Compiled compute pipelines in the cache. */
  readonly pipelines: number;
  /** Collections the allocator asked for because dropped arrays held too much device memory. */
  readonly sweeps: number;
}
