// Browser end-to-end tests of the built site (dist/), run by `cargo xtask test`.
// One file, so Chromium starts once. Run alone:
//   cargo xtask dist && (cd tests/browser && node --test e2e.test.mjs)
//
// The acceptance flows need kubectl commands and controllers that land on main over
// time; a flow whose command the interpreter does not support yet is skipped with the
// reason, and runs as soon as the command exists.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  advanceUntil, launchBrowser, openPage, pause, pods, run, screenshot, serveDist, supported,
} from './harness.mjs';

const EXPECTED_NODE_NAMES = ['control-plane', 'worker-1', 'worker-2', 'worker-3'];
const WORKERS = ['worker-1', 'worker-2', 'worker-3'];

let served;
let browser;
before(async () => {
  served = await serveDist();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  served?.server.close();
});

/** A fresh browser profile: its own localStorage. */
async function freshPage(t, path = '', options) {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await openPage(context, served.url + path, options);
  return { context, page };
}

async function requireCommand(t, page, line) {
  const output = await run(page, line);
  if (!supported(output)) {
    t.skip(`not in the interpreter yet: ${output.stderr.trim()}`);
    return null;
  }
  return output;
}

/**
 * advanceUntil, but a cluster that lacks the component the flow needs (no scheduler
 * binds pods, no kubelet runs them: helpers land them on main over time) skips the
 * flow with that reason instead of failing it.
 */
async function settleOrSkip(t, page, predicate, options) {
  try {
    return await advanceUntil(page, predicate, options);
  } catch (error) {
    const current = await pods(page);
    if (current.length > 0 && current.every((pod) => pod.node === '')) {
      t.skip('no scheduler binds pods yet');
      return null;
    }
    if (current.length > 0 && !current.some((pod) => pod.phase === 'Running')) {
      t.skip('no kubelet runs pods yet');
      return null;
    }
    throw error;
  }
}

/** What the last command in the terminal printed (for commands issued by buttons). */
async function lastOutput(page) {
  await page.waitForTimeout(200);
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll('[data-testid="terminal-output"] .line')];
    let start = lines.length - 1;
    while (start > 0 && !lines[start].classList.contains('input')) start -= 1;
    const after = lines.slice(start + 1);
    const text = (kind) => after.filter((line) => line.classList.contains(kind)).map((line) => line.textContent).join('\n');
    return { stdout: text('stdout'), stderr: text('stderr') };
  });
}

const running = (name, count) => (current) =>
  current.filter((pod) => pod.name.startsWith(`${name}-`) && pod.phase === 'Running' && pod.status === 'Running').length === count;

test('the page loads: four nodes, the clock, a terminal that runs kubectl', async (t) => {
  const { page } = await freshPage(t);
  await page.waitForFunction(
    (count) => document.querySelectorAll('[data-testid="node"]').length >= count,
    EXPECTED_NODE_NAMES.length,
  );
  const names = await page.locator('[data-testid="node"]').evaluateAll((cards) => cards.map((card) => card.getAttribute('data-node-name')));
  assert.deepEqual(names, EXPECTED_NODE_NAMES, 'node cards, in order');
  const simTime = await page.locator('[data-testid="sim-time"]').textContent();
  assert.match(simTime, /^\d{4}-\d\d-\d\dT/, 'the virtual clock is shown');
  await pause(page);
  const output = await run(page, 'kubectl api-resources');
  assert.match(output.stdout.split('\n')[0], /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND$/);
  assert.ok(output.stdout.split('\n').some((line) => /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/.test(line)));
  const unknown = await run(page, 'kubectl frobnicate');
  assert.equal(unknown.stderr, 'error: unknown command "frobnicate" for "kubectl"');
  // The map with something on it: the editor's nginx Deployment example.
  await page.click('[data-testid="example-deployment"]');
  await page.click('[data-testid="yaml-apply"]');
  await page.locator('[data-testid="yaml-result"]').waitFor();
  await run(page, 'sim advance 20s');
  assert.deepEqual(page.errors, [], 'no errors in the page console');
  await screenshot(page, 'cluster-map.png', { fullPage: true });
});

test('the terminal completes with Tab and recalls history with the arrow keys', async (t) => {
  const { page } = await freshPage(t);
  await pause(page);
  const input = page.locator('[data-testid="terminal-input"]');
  await input.fill('kubectl api-res');
  await input.press('Tab');
  assert.equal(await input.inputValue(), 'kubectl api-resources ');
  await input.fill('kubectl get nodes work');
  await input.press('Tab');
  assert.equal(await input.inputValue(), 'kubectl get nodes worker-');
  await run(page, 'kubectl api-resources -o name');
  await run(page, 'kubectl api-versions');
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'kubectl api-versions');
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'kubectl api-resources -o name');
  await input.press('ArrowDown');
  await input.press('ArrowDown');
  assert.equal(await input.inputValue(), '');
});

test('time controls: play, speeds, step; the clock only moves while playing', async (t) => {
  const { page } = await freshPage(t);
  await pause(page);
  const clock = page.locator('[data-testid="sim-time"]');
  const paused = await clock.textContent();
  await page.waitForTimeout(300);
  assert.equal(await clock.textContent(), paused, 'paused: the clock stands still');
  await run(page, 'sim advance 90s');
  assert.equal(await clock.textContent(), '2025-01-01T00:01:30Z');
  await page.click('[data-testid="speed-100"]');
  await page.click('[data-testid="play-pause"]');
  await page.waitForFunction((before) => document.querySelector('[data-testid="sim-time"]').textContent !== before, '2025-01-01T00:01:30Z');
  await pause(page);
  const before = await clock.textContent();
  await page.click('[data-testid="step"]');
  await page.waitForFunction((previous) => document.querySelector('[data-testid="sim-time"]').textContent !== previous, before);
  assert.equal(await page.locator('[data-testid="play-pause"]').getAttribute('aria-pressed'), 'false', 'step pauses');
});

test('reload: the same cluster comes back from localStorage', async (t) => {
  const { page } = await freshPage(t);
  await pause(page);
  await run(page, 'sim advance 2m');
  const created = await run(page, 'kubectl create deployment web --image=nginx --replicas=2');
  await run(page, 'sim advance 30s');
  const before = { time: await page.textContent('[data-testid="sim-time"]'), pods: await pods(page) };
  await page.reload();
  await page.locator('[data-testid="node"]').first().waitFor();
  await page.waitForFunction((time) => document.querySelector('[data-testid="sim-time"]').textContent === time, before.time);
  assert.deepEqual(await pods(page), before.pods, 'the same pods on the same nodes');
  assert.match(await page.textContent('[data-testid="banner"]'), /Restored your cluster/);
  if (supported(created)) assert.equal(before.pods.length, 2);
});

test('share: a share URL opens the same cluster in another browser', async (t) => {
  const { page } = await freshPage(t);
  await pause(page);
  await run(page, 'kubectl create deployment shared --image=nginx --replicas=2');
  await run(page, 'sim advance 45s');
  const before = { time: await page.textContent('[data-testid="sim-time"]'), pods: await pods(page) };
  await page.click('[data-testid="share"]');
  const url = await page.locator('[data-testid="share-url"]').inputValue();
  assert.match(url, /#script=[A-Za-z0-9_-]+$/);
  const other = await freshPage(t, url.slice(served.url.length));
  await other.page.waitForFunction((time) => document.querySelector('[data-testid="sim-time"]').textContent === time, before.time);
  assert.deepEqual(await pods(other.page), before.pods);
  assert.match(await other.page.textContent('[data-testid="banner"]'), /shared session/);
});

test('a corrupt saved session is reported and replaced by a fresh cluster', async (t) => {
  const context = await browser.newContext();
  t.after(() => context.close());
  await context.addInitScript(() => {
    if (!sessionStorage.getItem('seeded')) {
      localStorage.setItem('kubesim.session', '{"format":"kubesim-session","version":0');
      sessionStorage.setItem('seeded', '1');
    }
  });
  const page = await openPage(context, served.url);
  const banner = await page.textContent('[data-testid="banner"]');
  assert.match(banner, /saved session could not be restored: it is not a kubesim session/);
  assert.equal(await page.locator('[data-testid="node"]').count(), 4);
});

test('embed=1 shows the compact map and terminal, running the shared script', async (t) => {
  const { page: source } = await freshPage(t);
  await pause(source);
  await run(source, 'sim advance 5m');
  await source.click('[data-testid="share"]');
  const url = await source.locator('[data-testid="share-url"]').inputValue();
  const fragment = url.slice(url.indexOf('#'));
  const { page } = await freshPage(t, `index.html?embed=1${fragment}`, { viewport: { width: 900, height: 560 } });
  await page.waitForFunction(() => document.querySelector('[data-testid="sim-time"]').textContent === '2025-01-01T00:05:00Z');
  assert.equal(await page.locator('[data-testid="terminal-input"]').count(), 1);
  assert.equal(await page.locator('[data-testid="yaml-editor"]').count(), 0, 'no editor in the compact view');
  await screenshot(page, 'embed.png');
});

test('YAML editor: apply a manifest, and errors point at their line', async (t) => {
  const { page } = await freshPage(t);
  await pause(page);
  await page.fill('[data-testid="yaml-editor"]', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  color: blue\n');
  await page.click('[data-testid="yaml-apply"]');
  const result = page.locator('[data-testid="yaml-result"]');
  await result.waitFor();
  const text = await result.textContent();
  if (/does not support/.test(text)) {
    t.skip(`kubectl apply is not in the interpreter yet: ${text}`);
    return;
  }
  assert.match(text, /configmap\/settings (created|configured)/);
  await page.fill('[data-testid="yaml-editor"]', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [oops\n');
  await page.click('[data-testid="yaml-apply"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="yaml-result"]').classList.contains('error'));
  await screenshot(page, 'yaml-editor.png');
});

test('a Deployment: 3 running pods on workers, scale to 5, inspector and rollout views', async (t) => {
  const { page } = await freshPage(t);
  await pause(page);
  if (!(await requireCommand(t, page, 'kubectl create deployment web --image=nginx --replicas=3'))) return;
  let current = await settleOrSkip(t, page, running('web', 3));
  if (!current) return;
  assert.ok(current.filter((pod) => pod.name.startsWith('web-')).every((pod) => WORKERS.includes(pod.node)), 'only on workers');
  if (!(await requireCommand(t, page, 'kubectl scale deployment web --replicas=5'))) return;
  current = await advanceUntil(page, running('web', 5));
  const podName = current.find((pod) => pod.name.startsWith('web-')).name;
  await page.click(`[data-pod-name="${podName}"]`);
  await page.locator('[data-testid="owner-chain"]').waitFor();
  assert.match(await page.textContent('[data-testid="owner-chain"]'), /Deployment\/web → ReplicaSet\/web-[a-z0-9]+ → Pod\//);
  await screenshot(page, 'inspector.png');
  await page.click('[data-testid="panel-architecture"]');
  await page.locator('[data-testid="architecture"]').scrollIntoViewIfNeeded();
  await screenshot(page, 'architecture.png');
  await page.click('[data-testid="panel-rollout"]');
  await page.locator('[data-testid="rollout-replicaset"]').first().waitFor();
  await page.click('[data-testid="panel-events"]');
  await page.locator('[data-testid="events"]').scrollIntoViewIfNeeded();
  await screenshot(page, 'events.png');
});

test('a failed node: its pods move to the other workers', async (t) => {
  const { page } = await freshPage(t);
  await pause(page);
  if (!(await requireCommand(t, page, 'kubectl create deployment web --image=nginx --replicas=6'))) return;
  let current = await settleOrSkip(t, page, running('web', 6));
  if (!current) return;
  const victim = current.find((pod) => pod.name.startsWith('web-')).node;
  if (!(await requireCommand(t, page, `sim node fail ${victim}`))) return;
  // The node lifecycle controller marks it NotReady after its grace period.
  for (let attempt = 0; attempt < 20 && (await page.getAttribute(`[data-node-name="${victim}"]`, 'data-ready')) !== 'false'; attempt += 1) {
    await run(page, 'sim advance 10s');
  }
  if ((await page.getAttribute(`[data-node-name="${victim}"]`, 'data-ready')) !== 'false') {
    t.skip('no node lifecycle controller marks failed nodes NotReady yet');
    return;
  }
  current = await advanceUntil(
    page,
    // Evicted pods stay Terminating on the dead node (its kubelet cannot finish them), as
    // on a real cluster; their replacements run on the other workers.
    (now) => running('web', 6)(now) && now.filter((pod) => pod.name.startsWith('web-') && pod.phase === 'Running' && pod.status !== 'Terminating').every((pod) => pod.node !== victim),
    { step: '30s', attempts: 40 },
  );
  await screenshot(page, 'node-failure.png', { fullPage: true });
});

test('a Service: apply it from YAML and curl it through the terminal', async (t) => {
  const { page } = await freshPage(t);
  await pause(page);
  await run(page, 'kubectl create deployment web --image=nginx --replicas=2');
  const current = await advanceUntil(page, running('web', 2));
  await page.fill('[data-testid="yaml-editor"]', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: 80\n');
  await page.click('[data-testid="yaml-apply"]');
  await page.locator('[data-testid="yaml-result"]').waitFor();
  const applied = await page.textContent('[data-testid="yaml-result"]');
  assert.match(applied, /service\/web created/);
  await run(page, 'sim advance 5s');
  // From a pod, by the Service's DNS name: kube-proxy sends it to one of the pods.
  const client = current.find((pod) => pod.name.startsWith('web-')).name;
  const curl = await run(page, `kubectl exec ${client} -- curl -s http://web`);
  assert.equal(curl.stderr, '');
  assert.match(curl.stdout, /<title>Welcome to nginx!<\/title>/);
  const qualified = await run(page, `kubectl exec ${client} -- curl -s -o /dev/null -w "%{http_code}" http://web.default.svc.cluster.local:80`);
  assert.equal(qualified.stdout, '200');
  // A name no Service has: curl's error, and kubectl reports its exit code.
  const missing = await run(page, `kubectl exec ${client} -- curl http://nope`);
  assert.equal(missing.stderr, 'curl: (6) Could not resolve host: nope\ncommand terminated with exit code 6');
  // nginx logged the requests it served; one of the two pods answered each.
  const logs = await run(page, 'kubectl logs -l app=web');
  assert.match(logs.stdout, /"GET \/ HTTP\/1.1" 200 615/);
  assert.deepEqual(page.errors, [], 'no errors in the page console');
});

test('a bad image rollout gets stuck, and undo brings it back', async (t) => {
  const { page } = await freshPage(t);
  await pause(page);
  if (!(await requireCommand(t, page, 'kubectl create deployment web --image=nginx:1.25 --replicas=3'))) return;
  if (!(await settleOrSkip(t, page, running('web', 3)))) return;
  if (!(await requireCommand(t, page, 'kubectl set image deployment/web nginx=nginx:no-such-tag'))) return;
  let stuck;
  try {
    stuck = await advanceUntil(
      page,
      (now) => now.some((pod) => pod.name.startsWith('web-') && /ImagePull|ErrImage/.test(pod.status)),
    );
  } catch {
    t.skip('the kubelet does not fail image pulls of unknown tags yet');
    return;
  }
  assert.equal(stuck.filter((pod) => pod.name.startsWith('web-') && pod.status === 'Running').length >= 2, true, 'old pods keep serving');
  await page.click('[data-testid="panel-rollout"]');
  await page.locator('[data-testid="rollout-replicaset"]').nth(1).waitFor();
  await page.locator('[data-testid="rollout"]').scrollIntoViewIfNeeded();
  await screenshot(page, 'rollout.png');
  await page.click('[data-testid="rollout-undo"]');
  if (!supported(await lastOutput(page))) {
    t.skip('kubectl rollout undo is not in the interpreter yet');
    return;
  }
  await advanceUntil(page, (now) => running('web', 3)(now) && !now.some((pod) => /ImagePull|ErrImage/.test(pod.status)), { step: '10s' });
});
