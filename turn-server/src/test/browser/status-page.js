'use strict';
// Reads turngate's status page (GET / of the health port) in headless Chromium for
// io.turngate.admin.StatusPageBrowserTest.
//
//   node status-page.js --url http://127.0.0.1:PORT/ --listener NAME
//                       [--chromium /usr/bin/chromium] [--wait-ms 5000] [--max-ms 45000]
//
// Starts Chromium itself (fresh profile, no network but loopback), attaches playwright-core over
// CDP (Chromium gets 2x --wait-ms to start), opens --url and waits (at most --wait-ms each for the
// load and for the row) until the row tr[data-listener=NAME] is shown.
// Then it answers commands on stdin, one per line, each with one line on stdout:
//   read             ->  PAGE-READING {json}   what the listener row shows now, plus the largest
//                                             rx/tx rate any render showed since the row appeared
//   screenshot PATH  ->  PAGE-SHOT PATH        a full-page PNG
//   quit             ->  (Chromium ended, exit 0)
// Other stdout lines:
//   PAGE-PID <role> <pid>   every process this script starts (the caller ends them by PID)
//   PAGE-SHOWN {json}       the row appeared: the first reading
//   PAGE-ERROR message      something failed; the script exits with status 1
// Every request the page made is in each reading ("requests"), so the caller can check that the
// page loads nothing from other hosts. It exits on its own after --max-ms, or when stdin closes.
// Diagnostics go to stderr.

const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');
const { spawn } = require('child_process');
const { chromium } = require('playwright-core');

const args = parseArgs(process.argv.slice(2));
const url = required('url');
const listener = required('listener');
const chromiumPath = args.chromium || '/usr/bin/chromium';
const waitMs = Number(args['wait-ms'] || 5000);
const maxMs = Number(args['max-ms'] || 45000);
const started = Date.now();
const children = [];

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
      out[argv[i].slice(2)] = argv[i + 1];
      i++;
    }
  }
  return out;
}

function required(name) {
  if (!args[name]) {
    process.stderr.write(`status-page: missing --${name} (expected: see the header of status-page.js)\n`);
    process.exit(64);
  }
  return args[name];
}

function log(msg) {
  process.stderr.write(`[status-page +${Date.now() - started}ms] ${msg}\n`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// As in scene.js: root needs --no-sandbox; no QUIC, no background services, and every host but
// localhost and 127.0.0.1 (the rule maps IP literals too) resolves to nothing, so the page can
// reach only the gateway.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-default-browser-check',
  '--disable-breakpad',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1',
  '--window-size=1280,800',
  '--remote-debugging-address=127.0.0.1',
  '--remote-debugging-port=0',
];

function launchChromium() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'turngate-status-page-'));
  const proc = spawn(chromiumPath, [...chromiumArgs, `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(proc);
  process.stdout.write(`PAGE-PID chromium ${proc.pid}\n`);
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const endpoint = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`Chromium printed no DevTools endpoint within ${waitMs * 2} ms`)),
      waitMs * 2);
    const lines = readline.createInterface({ input: proc.stderr });
    lines.on('line', (line) => {
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      } else if (line.trim() && !/^\[\d+:\d+:/.test(line)) {
        log(`chromium: ${line}`);
      }
    });
    exited.then(({ code, signal }) => reject(new Error(`Chromium exited (code ${code}, signal ${signal}) before it listened`)));
  });
  return {
    endpoint,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const done = await Promise.race([exited.then(() => true), sleep(2000).then(() => false)]);
        if (!done) {
          proc.kill('SIGKILL');
          await Promise.race([exited, sleep(2000)]);
        }
      }
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Runs inside the page once the row is shown: records the largest rate every later render of the
// row shows (the page redraws its tables on each poll of /status).
function watchRates(name) {
  const seen = { maxRxRate: 0, maxTxRate: 0, renders: 0 };
  window.__statusPageTest = seen;
  const num = (row, cls) => {
    const td = row && row.querySelector(`td.${cls}`);
    const v = td ? Number(td.textContent) : NaN;
    return Number.isFinite(v) ? v : 0;
  };
  const note = () => {
    const row = [...document.querySelectorAll('#listeners tbody tr')].find((r) => r.dataset.listener === name);
    if (!row) return;
    seen.renders++;
    seen.maxRxRate = Math.max(seen.maxRxRate, num(row, 'rx-rate'));
    seen.maxTxRate = Math.max(seen.maxTxRate, num(row, 'tx-rate'));
  };
  new MutationObserver(note).observe(document.querySelector('#listeners tbody'), { childList: true });
  note();
}

// Runs inside the page: what the listener row shows now (text as displayed, and as numbers).
function readRow(name) {
  const row = [...document.querySelectorAll('#listeners tbody tr')].find((r) => r.dataset.listener === name);
  const textOf = (cls) => {
    const td = row && row.querySelector(`td.${cls}`);
    return td ? td.textContent.trim() : null;
  };
  const numOf = (cls) => {
    const t = textOf(cls);
    const v = t == null || t === '' ? NaN : Number(t);
    return Number.isFinite(v) ? v : null;
  };
  const visible = !!row && row.getBoundingClientRect().height > 0;
  const seen = window.__statusPageTest || { maxRxRate: 0, maxTxRate: 0, renders: 0 };
  return {
    shown: visible,
    listenerText: row ? row.cells[0].textContent : null,
    listeners: [...document.querySelectorAll('#listeners tbody tr')].map((r) => r.dataset.listener),
    allocations: numOf('allocations'),
    rxPackets: numOf('rx-packets'),
    txPackets: numOf('tx-packets'),
    rxRate: textOf('rx-rate'),
    txRate: textOf('tx-rate'),
    maxRxRate: seen.maxRxRate,
    maxTxRate: seen.maxTxRate,
    renders: seen.renders,
    status: document.getElementById('gw-status').textContent,
    error: document.getElementById('error').textContent,
    updated: document.getElementById('updated').textContent,
  };
}

let chrome = null;
let browser = null;
let finishing = false;

async function finish(code) {
  if (finishing) return;
  finishing = true;
  try {
    if (browser) await Promise.race([browser.close().catch(() => {}), sleep(2000)]);
  } finally {
    if (chrome) await chrome.stop();
    process.exit(code);
  }
}

async function main() {
  const watchdog = setTimeout(() => {
    process.stdout.write(`PAGE-ERROR gave up after --max-ms ${maxMs}\n`);
    finish(1);
  }, maxMs);
  watchdog.unref();

  chrome = launchChromium();
  browser = await chromium.connectOverCDP(await chrome.endpoint, { timeout: waitMs * 2 });
  const context = browser.contexts()[0] || await browser.newContext();
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => log(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log(`page error: ${e.message}`));

  const response = await page.goto(url, { waitUntil: 'load', timeout: waitMs });
  log(`GET ${url} -> ${response ? response.status() : 'no response'}`);
  const selector = `#listeners tbody tr[data-listener="${listener.replace(/["\\]/g, '\\$&')}"]`;
  try {
    await page.waitForSelector(selector, { state: 'visible', timeout: waitMs });
  } catch (e) {
    const r = await page.evaluate(readRow, listener);
    throw new Error(`no visible row ${selector} within ${waitMs} ms; the page shows ${JSON.stringify(r)}`);
  }
  await page.evaluate(watchRates, listener);
  const reading = async () => ({ ...(await page.evaluate(readRow, listener)), requests: [...new Set(requests)] });
  process.stdout.write(`PAGE-SHOWN ${JSON.stringify(await reading())}\n`);

  const commands = readline.createInterface({ input: process.stdin });
  commands.on('close', () => finish(0));
  // One command at a time, in order.
  let queue = Promise.resolve();
  commands.on('line', (line) => {
    queue = queue.then(async () => {
      const [cmd, ...rest] = line.trim().split(' ');
      if (cmd === 'read') {
        process.stdout.write(`PAGE-READING ${JSON.stringify(await reading())}\n`);
      } else if (cmd === 'screenshot') {
        const file = rest.join(' ');
        await page.screenshot({ path: file, fullPage: true, timeout: waitMs });
        process.stdout.write(`PAGE-SHOT ${file}\n`);
      } else if (cmd === 'quit') {
        await finish(0);
      } else if (cmd) {
        log(`unknown command: ${line}`);
      }
    }).catch((e) => {
      process.stdout.write(`PAGE-ERROR ${String(e && e.message || e).replace(/\n/g, ' ')}\n`);
      return finish(1);
    });
  });
}

process.on('exit', () => {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try {
        c.kill('SIGKILL');
      } catch (e) {
        // already gone
      }
    }
  }
});
process.on('SIGTERM', () => process.exit(143));
process.on('SIGINT', () => process.exit(130));

main().catch((e) => {
  process.stdout.write(`PAGE-ERROR ${String(e && e.message || e).replace(/\n/g, ' ')}\n`);
  finish(1);
});
