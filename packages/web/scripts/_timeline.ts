import type { PageHooks } from '../src/main.js';
import { buildPage, launchChromium, serveDir } from '../test/harness.js';
declare const window: { recurrent: PageHooks };
const dist = await buildPage();
const server = await serveDir(dist);
const { context, close } = await launchChromium();
const page = await context.newPage();
for (let i = 0; i < 4; i++) {
  await page.goto(server.url);
  await page.waitForFunction(() => window.recurrent?.firstPredictionMs != null, null, { timeout: 120_000 });
  const r = await page.evaluate(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource').map(e => e.name.split('/').pop() + ' ' + e.startTime.toFixed(0) + '→' + e.responseEnd.toFixed(0));
    return { first: window.recurrent.firstPredictionMs.toFixed(0), dcl: nav.domContentLoadedEventEnd.toFixed(0), res };
  })()`);
  console.log(JSON.stringify(r));
}
await close(); await server.close();
