import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dirs.js';

// Runs after each test file, so a file's temporary directories go even where its tests keep them to the end.
afterAll(removeTempDirs);
