import fs from 'node:fs';
import path from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

/**
 * Where the files and tests under way are written, so a run stopped from outside can say what it was waiting for
 * (scripts/run-tests.mjs reads it).
 */
const IN_FLIGHT_FILE = path.resolve('test-artifacts/in-flight.txt');

/** Keeps `IN_FLIGHT_FILE` listing the test files started but not finished, and their tests started but not finished. */
export default class InFlightReporter implements Reporter {
  private readonly modules = new Set<string>();
  private readonly tests = new Map<string, string>();

  onTestModuleStart(module: TestModule): void {
    this.modules.add(module.relativeModuleId);
    this.write();
  }

  onTestModuleEnd(module: TestModule): void {
    this.modules.delete(module.relativeModuleId);
    this.write();
  }

  onTestCaseReady(test: TestCase): void {
    this.tests.set(test.id, `${test.module.relativeModuleId} > ${test.fullName}`);
    this.write();
  }

  onTestCaseResult(test: TestCase): void {
    this.tests.delete(test.id);
    this.write();
  }

  private write(): void {
    const lines = [...[...this.modules].map((m) => `file ${m}`), ...[...this.tests.values()].map((t) => `test ${t}`)];
    fs.writeFileSync(IN_FLIGHT_FILE, lines.length > 0 ? `${lines.join('\n')}\n` : '');
  }
}
