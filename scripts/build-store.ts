/**
 * Builds the embedded store (tools/ferretdb -> .tools/ferretdb) when it is missing or older than
 * its sources. Needs Go 1.24+; the Go build cache makes a rebuild on the same machine cheap.
 * Without Go it says so, and how to use an existing MongoDB instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const srcDir = join(root, 'tools/ferretdb');
const out = join(root, '.tools/ferretdb');
const sources = readdirSync(srcDir)
  .filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum')
  .map((f) => join(srcDir, f));

const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
if (existsSync(out) && statSync(out).mtimeMs >= newest) {
  process.stdout.write('embedded store: .tools/ferretdb is up to date\n');
  process.exit(0);
}

const candidates = ['go', '/usr/local/go/bin/go', '/usr/lib/go/bin/go'];
const go = candidates.find((c) => spawnSync(c, ['version'], { stdio: 'ignore' }).status === 0);
if (!go) {
  const msg =
    'embedded store: Go 1.24 or newer is needed to build FerretDB 1.24.2 (the embedded MongoDB-compatible store), ' +
    'and no "go" command was found.\n' +
    '  Either install Go (https://go.dev/doc/install) and run "npm run build:store" again,\n' +
    '  or set MONGODB_URI=mongodb://HOST:27017/chat to use a MongoDB server instead.\n';
  if (process.env.MONGODB_URI) {
    process.stdout.write(`${msg}  MONGODB_URI is set, so the server will use it; skipping the build.\n`);
    process.exit(0);
  }
  process.stderr.write(msg);
  process.exit(1);
}

process.stdout.write(`embedded store: building FerretDB 1.24.2 with ${go} (first build downloads modules and takes a few minutes)\n`);
const res = spawnSync(go, ['build', '-trimpath', '-o', out, '.'], {
  cwd: srcDir,
  stdio: 'inherit',
  env: { ...process.env, CGO_ENABLED: '0' },
});
if (res.status !== 0) {
  process.stderr.write('embedded store: the FerretDB build failed (see above). Set MONGODB_URI to use a MongoDB server instead.\n');
  process.exit(res.status ?? 1);
}
process.stdout.write(`embedded store: built ${out}\n`);
