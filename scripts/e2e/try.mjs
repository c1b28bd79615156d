// `npm run try`: the packaged extension in a real VS Code (code-server 4.100.3) on a copy of the
// example workspace; prints the local URL and keeps serving until Ctrl-C. Fresh user data and
// extensions dir every time, so your own VS Code setup is never touched.
//
//   PORT=8080 npm run try         fixed port (default: 8080 if free, else any free port)
//   E2E_VSIX=path/to.vsix         another package (default: newest *.vsix in the repo root)
//   KEEP_TMP=1                    keep the workspace copy and server data afterwards
import net from 'node:net';
import path from 'node:path';
import {
  cleanupTemp, ensureCodeServer, ensureExample, findVsix, freePort, manifest, prepareWorkspace, startCodeServer,
} from './server.mjs';

function portFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

const vsix = findVsix();
ensureCodeServer();
ensureExample();
const workspace = prepareWorkspace();
const wanted = Number(process.env.PORT ?? 8080);
const port = (await portFree(wanted)) ? wanted : await freePort();
const server = await startCodeServer({ workspace, vsix, port });
const url = server.workbenchUrl();
console.log(`
  ${manifest().displayName ?? 'Influence Lens'} (${path.basename(vsix)}) in VS Code 1.100 (code-server 4.100.3)
  workspace copy: ${workspace}

  open:  ${url}

  Ctrl-C stops the server and removes the temp copies.`);

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping code-server…`);
  await server.stop();
  cleanupTemp();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
server.child.on('exit', (code) => {
  if (stopping) return;
  console.error(`code-server exited unexpectedly (${code})`);
  cleanupTemp();
  process.exit(1);
});
