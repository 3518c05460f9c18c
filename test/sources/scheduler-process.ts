/**
 * A `paperboy serve`-like process running only the source scheduler, with a fixed clock (SOURCES_TEST_NOW) and
 * lease (SOURCES_TEST_LEASE_MS): the lease test kills it with SIGKILL in the middle of a run.
 */
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { buildDeps, openMigratedStore } from '../../src/runtime.js';
import { schedulerFor } from './helpers.js';

const config = loadConfig(process.env);
const store = await openMigratedStore(config);
const now = () => new Date(process.env.SOURCES_TEST_NOW!);
const deps = await buildDeps(config, store, silentLogger, { now });
const scheduler = schedulerFor(config, deps, { now, leaseMs: Number(process.env.SOURCES_TEST_LEASE_MS), owner: `child:${process.pid}` });
process.stdout.write('started\n');
await scheduler.tick();
await scheduler.stop();
await store.close();
process.stdout.write('finished\n');
