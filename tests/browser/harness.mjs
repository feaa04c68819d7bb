// Shared by the browser tests and the benchmark: serve dist/, start Debian's Chromium
// through playwright-core (which never downloads a browser), drive the terminal.

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const distDir = resolve(process.env.KUBESIM_DIST_DIR ?? join(repoRoot, 'dist'));
export const screenshotDir = resolve(process.env.KUBESIM_SCREENSHOT_DIR ?? join(repoRoot, 'docs/screenshots'));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

export const RENDER_TIMEOUT_MS = 20_000;

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** A static server over dist/ on 127.0.0.1 with an OS-chosen port. */
export async function serveDist() {
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
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

// This machine's network is closed, so background networking only adds noise.
export function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
}

/** A page with console errors collected, opened at `url`, once the node cards render. */
export async function openPage(context, url, { viewport = { width: 1440, height: 900 } } = {}) {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') page.errors.push(message.text());
  });
  await page.goto(url);
  await page.locator('[data-testid="node"]').first().waitFor({ state: 'visible', timeout: RENDER_TIMEOUT_MS });
  return page;
}

/** Pauses the clock if it runs, so what follows is deterministic. */
export async function pause(page) {
  const button = page.locator('[data-testid="play-pause"]');
  if ((await button.getAttribute('aria-pressed')) === 'true') {
    await button.click();
    await page.waitForFunction(() => document.querySelector('[data-testid="play-pause"]').getAttribute('aria-pressed') === 'false');
  }
}

/** Types a line in the terminal, presses Enter, and returns what it printed. */
export async function run(page, line) {
  const inputs = page.locator('[data-testid="terminal-output"] .line.input');
  const before = await inputs.count();
  await page.fill('[data-testid="terminal-input"]', line);
  await page.press('[data-testid="terminal-input"]', 'Enter');
  await page.waitForFunction(
    (count) => document.querySelectorAll('[data-testid="terminal-output"] .line.input').length > count
      || document.querySelectorAll('[data-testid="terminal-output"] .line').length >= 2000,
    before,
    { timeout: RENDER_TIMEOUT_MS },
  );
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll('[data-testid="terminal-output"] .line')];
    let start = lines.length - 1;
    while (start > 0 && !lines[start].classList.contains('input')) start -= 1;
    const after = lines.slice(start + 1);
    const text = (kind) => after.filter((line) => line.classList.contains(kind)).map((line) => line.textContent).join('\n');
    return { stdout: text('stdout'), stderr: text('stderr') };
  });
}

/** False when the interpreter says the command is not there yet. */
export function supported(output) {
  return !/does not support|unknown command|unknown flag|not supported/.test(output.stderr);
}

/** Pods on the map: name, phase, status, and the node card (or "") they sit on. */
export async function pods(page) {
  return page.evaluate(() => [...document.querySelectorAll('[data-testid="pod"]')].map((chip) => ({
    name: chip.getAttribute('data-pod-name'),
    phase: chip.getAttribute('data-phase'),
    status: chip.getAttribute('data-status'),
    node: chip.closest('[data-testid="node"]')?.getAttribute('data-node-name') ?? '',
  })));
}

/** Waits until `predicate(pods)` holds, advancing the virtual clock a step at a time. */
export async function advanceUntil(page, predicate, { step = '5s', attempts = 40 } = {}) {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const current = await pods(page);
    if (predicate(current)) return current;
    await run(page, `sim advance ${step}`);
  }
  const current = await pods(page);
  if (predicate(current)) return current;
  throw new Error(`the cluster never got there; pods: ${JSON.stringify(current)}`);
}

export async function screenshot(page, name, options = {}) {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(screenshotDir, { recursive: true });
  const path = join(screenshotDir, name);
  await page.screenshot({ path, ...options });
  console.log(`screenshot: ${path}`);
}
