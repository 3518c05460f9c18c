import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread running the module `name` that sits beside `callerUrl` (the caller's `import.meta.url`).
 * Built code runs the compiled .js module; from TypeScript sources (tests, benchmarks, `tsx`) the worker thread
 * registers the TypeScript loader itself before importing the .ts module.
 */
export function startSiblingWorker(callerUrl: string, name: string, options: Pick<WorkerOptions, 'workerData'> = {}): Worker {
  const fromSources = callerUrl.endsWith('.ts');
  const entry = new URL(`./${name}.${fromSources ? 'ts' : 'js'}`, callerUrl);
  if (!fromSources) return new Worker(entry, options);
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}
