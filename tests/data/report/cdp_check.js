// cdp_check.js — drives headless Chromium over the DevTools protocol on a pipe
// (--remote-debugging-pipe: JSON messages ending in NUL on fds 3 and 4; no npm package,
// no socket) to check report.html: no console error, no exception, no failed or
// network request; the viewer is ready, every chart image decodes, stepping the night
// slider changes the map; screenshots of the top of the page and of the viewer.
// usage: node cdp_check.js BROWSER PAGE_FILE OUT_DIR
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const [browser, page, outDir] = process.argv.slice(2);
const profile = fs.mkdtempSync(path.join(require('os').tmpdir(), 'cdp-'));
const ch = spawn(browser, ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--disable-extensions', '--hide-scrollbars', '--user-data-dir=' + profile,
  '--remote-debugging-pipe', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
ch.stderr.on('data', () => {});
const toB = ch.stdio[3], fromB = ch.stdio[4];
let nextId = 1, buf = Buffer.alloc(0);
const waiting = new Map(), listeners = [];
const problems = [], report = {};
fromB.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  let k;
  while ((k = buf.indexOf(0)) >= 0) {
    const msg = JSON.parse(buf.subarray(0, k).toString('utf8'));
    buf = buf.subarray(k + 1);
    if (msg.id && waiting.has(msg.id)) {
      const w = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error) w.reject(new Error(w.method + ': ' + msg.error.message));
      else w.resolve(msg.result);
    } else if (msg.method) {
      listeners.forEach((f) => f(msg));
    }
  }
});
function send(method, params, sessionId) {
  const id = nextId++;
  const m = { id, method, params: params || {} };
  if (sessionId) m.sessionId = sessionId;
  toB.write(JSON.stringify(m) + '\0');
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject, method }));
}
function once(method, timeoutMs) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout waiting for ' + method)), timeoutMs);
    listeners.push(function f(msg) {
      if (msg.method === method) { clearTimeout(t); listeners.splice(listeners.indexOf(f), 1); resolve(msg.params); }
    });
  });
}
listeners.push((msg) => {
  const p = msg.params || {};
  if (msg.method === 'Runtime.consoleAPICalled' && (p.type === 'error' || p.type === 'assert' || p.type === 'warning'))
    problems.push('console.' + p.type + ': ' + (p.args || []).map((a) => a.value || a.description).join(' '));
  if (msg.method === 'Runtime.exceptionThrown')
    problems.push('exception: ' + (p.exceptionDetails.exception ? p.exceptionDetails.exception.description : p.exceptionDetails.text));
  if (msg.method === 'Log.entryAdded' && p.entry.level === 'error')
    problems.push('log error: ' + p.entry.text + (p.entry.url ? ' (' + p.entry.url + ')' : ''));
  if (msg.method === 'Network.loadingFailed')
    problems.push('failed to load: ' + p.errorText + ' (request ' + p.requestId + ')');
  if (msg.method === 'Network.requestWillBeSent' && !/^(file|data|about):/.test(p.request.url))
    problems.push('network request: ' + p.request.url);
});
async function main() {
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId: s } = await send('Target.attachToTarget', { targetId, flatten: true });
  for (const d of ['Runtime', 'Log', 'Network', 'Page']) await send(d + '.enable', {}, s);
  await send('Emulation.setDeviceMetricsOverride', { width: 1240, height: 1500, deviceScaleFactor: 1, mobile: false }, s);
  const ev = async (expr) => {
    const r = await send('Runtime.evaluate', { expression: expr, returnByValue: true, awaitPromise: true }, s);
    if (r.exceptionDetails) throw new Error('evaluate ' + expr + ': ' + r.exceptionDetails.text);
    return r.result.value;
  };
  const url = 'file://' + path.resolve(page) + '?night=1&hour=23';
  const loaded = once('Page.loadEventFired', 30000);
  await send('Page.navigate', { url }, s);
  await loaded;
  await new Promise((r) => setTimeout(r, 500));
  report.viewer = await ev("document.body.getAttribute('data-viewer')");
  report.charts_total = await ev("document.body.getAttribute('data-charts-total')");
  report.charts_loaded = await ev("document.body.getAttribute('data-charts-loaded')");
  report.nights = await ev('+document.getElementById("v-night").max');
  report.runs = await ev('document.getElementById("v-run").options.length');
  report.view0 = await ev("document.getElementById('v-map').getAttribute('data-view')");
  const sig = "(function(){var m=document.getElementById('v-map');return m.getAttribute('data-damaged')+'|'+Array.from(m.querySelectorAll('[fill]')).map(function(e){return e.getAttribute('fill')+e.getAttribute('fill-opacity')}).join(',').length+'|'+Array.from(m.querySelectorAll('[fill]')).map(function(e){return e.getAttribute('fill')}).join(',')})()";
  const shot = async (file, clip) => {
    const r = await send('Page.captureScreenshot', clip ? { format: 'png', clip: Object.assign({ scale: 1 }, clip) } : { format: 'png' }, s);
    fs.writeFileSync(path.join(outDir, file), Buffer.from(r.data, 'base64'));
  };
  await shot('top.png');
  const box = await ev("(function(){document.getElementById('viewer-h').scrollIntoView();var b=document.getElementById('viewer').getBoundingClientRect();return {x:b.left+scrollX,y:b.top+scrollY,width:b.width,height:b.height}})()");
  const s1 = await ev(sig);
  report.damaged_night1 = +s1.split('|')[0];
  await shot('viewer-night1.png', box);
  const N = report.nights;
  await ev('window.gridresViewer.set({night: ' + N + ', hour: 23})');
  const sN = await ev(sig);
  report.damaged_last = +sN.split('|')[0];
  report.map_changed = s1 !== sN;
  await shot('viewer-night' + N + '.png', box);
  // the slider itself: an input event on it steps the map too
  await ev("(function(){var e=document.getElementById('v-night');e.value=3;e.dispatchEvent(new Event('input'));})()");
  report.t_after_slider = await ev("+document.getElementById('v-map').getAttribute('data-t')");
  await ev("window.gridresViewer.set({night: " + N + ", hour: 23, run: 1})");
  report.damaged_run1_last = +(await ev("document.getElementById('v-map').getAttribute('data-damaged')"));
  await shot('viewer-run1.png', box);
  // hover: the tooltip of the first substation damaged in run 1 at the end
  report.tip = await ev("(function(){var st=window.gridresViewer.state().st;for(var a=0;a<st.length;a++)if(st[a]===1){var e=document.querySelector('#v-map [data-a=\"'+a+'\"]');if(!e)continue;var r=e.getBoundingClientRect();e.dispatchEvent(new MouseEvent('mousemove',{bubbles:true,clientX:r.left+1,clientY:r.top+1}));var t=document.getElementById('v-tip');return (t.hidden?'HIDDEN ':'')+t.textContent;}return 'none damaged';})()");
  report.city_tip = await ev("(function(){var e=document.querySelector('#v-map [data-c=\"0\"]');var r=e.getBoundingClientRect();e.dispatchEvent(new MouseEvent('mousemove',{bubbles:true,clientX:r.left+r.width/2,clientY:r.top+r.height/2}));var t=document.getElementById('v-tip');return (t.hidden?'HIDDEN ':'')+t.textContent;})()");
  await shot('viewer-hover.png', { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, 1200) });
  // the same city on the Monte Carlo view (means over runs)
  await ev("window.gridresViewer.set({night: " + N + ", hour: 23, run: 'all'})");
  report.city_tip_all = await ev("(function(){var e=document.querySelector('#v-map [data-c=\"0\"]');var r=e.getBoundingClientRect();e.dispatchEvent(new MouseEvent('mousemove',{bubbles:true,clientX:r.left+r.width/2,clientY:r.top+r.height/2}));var t=document.getElementById('v-tip');return (t.hidden?'HIDDEN ':'')+t.textContent;})()");
  await shot('viewer-hover-all.png', { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, 1200) });
  report.problems = problems;
}
// Chromium's helper processes may still write into the profile just after the
// browser is killed: wait for its exit, then remove the profile with retries; the
// cleanup never decides the test's result.
const kill = (code) => {
  try { ch.kill('SIGKILL'); } catch (e) { /* gone */ }
  let finished = false;
  const done = () => {
    if (finished) return;
    finished = true;
    try { fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }); } catch (e) { /* left in the temp folder */ }
    process.exit(code);
  };
  if (ch.exitCode !== null || ch.signalCode !== null) done();
  else { ch.once('exit', () => setTimeout(done, 200)); setTimeout(done, 3000); }
};
const timer = setTimeout(() => { console.log(JSON.stringify({ fatal: 'timeout', report, problems })); kill(3); }, 90000);
main().then(() => {
  clearTimeout(timer);
  console.log(JSON.stringify(report));
  kill(problems.length ? 1 : 0);
}, (e) => {
  clearTimeout(timer);
  console.log(JSON.stringify({ fatal: String(e), report, problems }));
  kill(2);
});
