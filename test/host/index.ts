// Entry point loaded by the extension host (extensionTestsPath = dist/test/host/index.js, see
// scripts/e2e/host-tests.mjs). VS Code calls run(); a rejected promise = failure, which the
// host reports to the workbench as exit code 1.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 120_000, reporter: 'spec' });
  const grep = process.env.MOCHA_GREP;
  if (grep) mocha.grep(grep);
  for (const f of fs.readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) {
    mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => (failures ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
      // Print each failure as it happens: if a later test hangs the host, the summary never comes.
      runner.on('fail', (test, err: Error) => {
        console.log(`      ✗ ${test.fullTitle()}: ${String(err?.stack ?? err).split('\n').slice(0, 6).join('\n        ')}`);
      });
    } catch (e) {
      reject(e);
    }
  });
}
