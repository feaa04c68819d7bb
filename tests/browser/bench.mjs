// Browser benchmark of the built site: bundle size, time to first render, and frame
// times while playing at 100× with 50 worker nodes and 1,000 pods; then the core's
// benchmark workloads (kubesim::benchmarks) in wasm and natively (`kubesim bench`, from
// target/release) in the same run, with the wasm/native ratio. Not a test: it prints
// numbers for BENCHMARKS.md. Run:
//   cargo build --release -p kubesim-cli && cargo xtask dist && (cd tests/browser && node bench.mjs)
// `node bench.mjs workloads` runs only the workloads; BENCH_WORKLOADS="schedule:5000:10000,..."
// (workload:nodes:pods) chooses them.

import { execFileSync } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { distDir, launchBrowser, openPage, pause, repoRoot, run, serveDist, supported } from './harness.mjs';

const WORKLOADS = (process.env.BENCH_WORKLOADS
  ?? 'schedule:5000:10000,deployment:200:2000')
  .split(',')
  .map((entry) => {
    const [workload, nodes, pods] = entry.split(':');
    return { workload, nodes: Number(nodes), pods: Number(pods) };
  });
const SEED = 1;

// The same workloads natively and in the page's wasm module, one after the other.
async function benchWorkloads(browser, url) {
  const native = join(repoRoot, 'target/release/kubesim');
  const page = await openPage(await browser.newContext(), url);
  await pause(page);
  const rows = [];
  for (const { workload, nodes, pods } of WORKLOADS) {
    const nativeLine = execFileSync(native, ['bench', workload, '--nodes', String(nodes), '--pods', String(pods), '--seed', String(SEED)], { encoding: 'utf8', maxBuffer: 1 << 20 })
      .trim().split('\n').pop();
    const nativeRun = JSON.parse(nativeLine);
    const wasmLine = await page.evaluate(async ({ workload, nodes, pods, seed }) => {
      const module = await import(new URL('pkg/kubesim_web.js', document.baseURI).href);
      await module.default();
      return module.bench_workload(workload, nodes, pods, seed);
    }, { workload, nodes, pods, seed: SEED });
    const wasmRun = JSON.parse(wasmLine);
    const row = {
      workload, nodes, pods,
      native_wall_ms: nativeRun.wall_ms,
      wasm_wall_ms: wasmRun.wall_ms,
      wasm_native_ratio: +(wasmRun.wall_ms / nativeRun.wall_ms).toFixed(2),
      same_steps: nativeRun.steps === wasmRun.steps && nativeRun.objects === wasmRun.objects,
      virtual_seconds: wasmRun.virtual_seconds,
    };
    console.error(JSON.stringify(row));
    rows.push(row);
  }
  await page.close();
  return rows;
}

if (process.argv[2] === 'workloads') {
  const served = await serveDist();
  const browser = await launchBrowser();
  try {
    console.log(JSON.stringify({ workloads: await benchWorkloads(browser, served.url) }, null, 2));
  } finally {
    await browser.close();
    served.server.close();
  }
  process.exit(0);
}

const WORKERS = 50;
const PODS = 1000;
const MEASURE_MS = 5000;

const wasmPath = join(distDir, 'pkg/kubesim_web_bg.wasm');
const jsPath = join(distDir, 'pkg/kubesim_web.js');
const wasm = await readFile(wasmPath);
const js = await readFile(jsPath);
const results = {
  wasm_bytes: (await stat(wasmPath)).size,
  wasm_gzip_bytes: gzipSync(wasm, { level: 9 }).length,
  js_bytes: js.length,
  js_gzip_bytes: gzipSync(js, { level: 9 }).length,
};

const served = await serveDist();
const browser = await launchBrowser();
try {
  // Time to first render: navigation start to the first node card in the DOM.
  const context = await browser.newContext();
  await context.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid="node"]')) {
        window.__firstRenderMs = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const firstRenders = [];
  for (let round = 0; round < 3; round += 1) {
    const page = await openPage(context, served.url);
    await page.waitForFunction(() => window.__firstRenderMs !== undefined);
    firstRenders.push(await page.evaluate(() => window.__firstRenderMs));
    await page.close();
  }
  results.first_render_ms = firstRenders.map((ms) => Math.round(ms));

  // The large cluster.
  const big = await openPage(await browser.newContext(), `${served.url}?workers=${WORKERS}`);
  await pause(big);
  const created = await run(big, `kubectl create deployment bench --image=nginx --replicas=${PODS}`);
  if (supported(created)) {
    results.pods_from = `kubectl create deployment bench --replicas=${PODS}`;
  } else {
    // No `kubectl create` yet: apply the pods directly, bound to the workers by nodeName.
    const manifests = [];
    for (let index = 0; index < PODS; index += 1) {
      manifests.push(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: bench-${index}\n  labels:\n    app: bench\nspec:\n  nodeName: worker-${(index % WORKERS) + 1}\n  containers:\n  - name: web\n    image: nginx\n    resources:\n      requests:\n        cpu: 10m\n        memory: 16Mi\n`);
    }
    // Set the text directly: typing 200 KB through input events measures Playwright, not us.
    await big.evaluate((text) => { document.querySelector('[data-testid="yaml-editor"]').value = text; }, manifests.join('---\n'));
    const started = Date.now();
    await big.click('[data-testid="yaml-apply"]');
    await big.locator('[data-testid="yaml-result"]').waitFor({ timeout: 120_000 });
    results.apply_1000_pods_ms = Date.now() - started;
    results.pods_from = `kubectl apply -f - (${PODS} Pods with nodeName)`;
  }
  await run(big, 'sim advance 1m');
  results.pods_on_map = await big.locator('[data-testid="pod"]').count();
  results.nodes_on_map = await big.locator('[data-testid="node"]').count();
  // Baseline: the same page paused, where the playground does no work per frame.
  const measure = (durationMs) => big.evaluate((ms) => new Promise((resolve) => {
    const intervals = [];
    let last = performance.now();
    const end = last + ms;
    const frame = (now) => {
      intervals.push(now - last);
      last = now;
      if (now < end) requestAnimationFrame(frame); else resolve(intervals);
    };
    requestAnimationFrame(frame);
  }), durationMs);
  const baseline = (await measure(3000)).sort((a, b) => a - b);
  results.paused_frame_ms_p50 = +baseline[Math.floor(baseline.length / 2)].toFixed(1);
  results.paused_frame_ms_p95 = +baseline[Math.floor(baseline.length * 0.95)].toFixed(1);
  await big.click('[data-testid="speed-100"]');
  await big.click('[data-testid="play-pause"]');
  // Frame intervals while playing, and typing into the terminal at the same time.
  const typed = 'kubectl get pods -l app=bench --no-headers';
  const [frames] = await Promise.all([
    big.evaluate((durationMs) => new Promise((resolve) => {
      const intervals = [];
      let last = performance.now();
      const end = last + durationMs;
      const frame = (now) => {
        intervals.push(now - last);
        last = now;
        if (now < end) requestAnimationFrame(frame); else resolve(intervals);
      };
      requestAnimationFrame(frame);
    }), MEASURE_MS),
    (async () => {
      await big.waitForTimeout(500);
      await big.locator('[data-testid="terminal-input"]').pressSequentially(typed, { delay: 20 });
    })(),
  ]);
  const typedValue = await big.locator('[data-testid="terminal-input"]').inputValue();
  const sorted = [...frames].sort((a, b) => a - b);
  const percentile = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  results.frames = frames.length;
  results.frame_ms_mean = +(frames.reduce((a, b) => a + b, 0) / frames.length).toFixed(1);
  results.frame_ms_p50 = +percentile(50).toFixed(1);
  results.frame_ms_p95 = +percentile(95).toFixed(1);
  results.frame_ms_max = +sorted[sorted.length - 1].toFixed(1);
  results.typed_without_drops = typedValue === typed;
  results.sim_time_after = await big.textContent('[data-testid="sim-time"]');
  await big.close();
  results.workloads = await benchWorkloads(browser, served.url);
} finally {
  await browser.close();
  served.server.close();
}
console.log(JSON.stringify(results, null, 2));
