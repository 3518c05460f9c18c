/** Small key/value state for batch jobs: harvest datestamps, import checkpoints. */
export interface JobStateTable {
  key: string;
  value: string;
  updated_at: string;
}
