// Browser end-to-end test of the built site (dist/), run by `cargo xtask test`.
//
// Serves dist/ on an ephemeral localhost port, opens it in Debian's Chromium through
// playwright-core (which never downloads a browser), checks the cluster map and saves
// a screenshot. Run alone: `cargo xtask dist && (cd tests/browser && node --test)`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..', '..');
const distDir = resolve(process.env.KUBESIM_DIST_DIR ?? join(repoRoot, 'dist'));
const screenshotPath = resolve(process.env.KUBESIM_SCREENSHOT ?? join(repoRoot, 'docs/screenshots/cluster-map.png'));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const EXPECTED_NODE_NAMES = ['control-plane', 'worker-1', 'worker-2', 'worker-3'];
const RENDER_TIMEOUT_MS = 15_000;

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** A static server over dist/ on 127.0.0.1 with an OS-chosen port. */
async function serveDist() {
  const server = createServer(async (request, response) => {
    const urlPath = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    const filePath = normalize(join(distDir, urlPath.endsWith('/') ? `${urlPath}index.html` : urlPath));
    if (filePath !== distDir && !filePath.startsWith(distDir + sep)) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(filePath);
      response.writeHead(200, { 'Content-Type': CONTENT_TYPES[extname(filePath)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end('not found');
    }
  });
  await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
  return server;
}

test('the cluster map shows the four default nodes', async (t) => {
  const server = await serveDist();
  t.after(() => server.close());
  const userDataDir = await mkdtemp(join(tmpdir(), 'kubesim-chromium-'));
  t.after(() => rm(userDataDir, { recursive: true, force: true }));

  // Flags: this machine's network is closed, so background networking only adds noise.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  t.after(() => context.close());

  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });

  const { port } = server.address();
  await page.goto(`http://127.0.0.1:${port}/`);

  const nodes = page.locator('[data-testid="node"]');
  await nodes.first().waitFor({ state: 'visible', timeout: RENDER_TIMEOUT_MS });
  // Yew renders asynchronously: wait until all cards are in, not just the first.
  await page.waitForFunction(
    (count) => document.querySelectorAll('[data-testid="node"]').length >= count,
    EXPECTED_NODE_NAMES.length,
    { timeout: RENDER_TIMEOUT_MS },
  );

  const names = await nodes.evaluateAll((cards) => cards.map((card) => card.getAttribute('data-node-name')));
  assert.deepEqual(names, EXPECTED_NODE_NAMES, 'node cards, in order');

  const simTime = await page.locator('[data-testid="sim-time"]').textContent();
  assert.ok(simTime && simTime.trim().length > 0, 'the virtual clock is shown');
  assert.deepEqual(pageErrors, [], 'no errors in the page console');

  await mkdir(dirname(screenshotPath), { recursive: true });
  await page.screenshot({ path: screenshotPath, fullPage: true });
  console.log(`screenshot: ${screenshotPath}`);
});
