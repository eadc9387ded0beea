/*
 * The guide's service worker. `guide build` fills in VERSION and PRECACHE
 * (every file the guide needs offline, each with a content revision) and
 * writes the result, minified, to sw.js at the site's root.
 *
 * Each version keeps its files in its own cache, named for VERSION, under
 * keys that carry each file's revision. A version's cache is only read
 * once its install has completed, so no reader ever gets part of a version.
 *
 * Lifecycle:
 * - install: fill this version's cache with every precache entry. It is
 *   the staging cache until this worker takes over: entries already in it
 *   (from an earlier, failed attempt) are kept, entries whose revision is
 *   unchanged are copied from an older cache of ours, and only the rest are
 *   downloaded, a few at a time. A download that fails on the network, with
 *   a 5xx, 408 or 429, or that stops moving for FETCH_TIMEOUT, is tried
 *   again after a short wait; a failed answer's request is aborted first, so
 *   its body, which may never end, does not hold a connection. If an entry still fails, the install
 *   fails, in bounded time: the worker already in charge keeps serving the
 *   old version whole, and the next attempt (the next page opened, or the
 *   connection coming back) downloads only what is missing. An install
 *   also fails if its cache was deleted under it. A redirect is followed
 *   only when it ends inside the scope (hosts send index.html to ./).
 * - waiting: a new worker waits while pages of the old version are open,
 *   so no page ever gets assets from another version. When the page that
 *   navigates is the guide's only open page, the old worker hands over at
 *   that navigation (a reload, a link tap, a start from the home screen):
 *   it asks the waiting worker for its cache's name, tells it to take
 *   over only if the answer came in time, and answers the navigation from
 *   that cache. If the waiting worker does not answer in time, the old
 *   version answers and the waiting worker is never told to take over: no
 *   page is ever answered from a cache that is about to be deleted. With
 *   several pages open, each shows a "newer version" notice; its Reload
 *   button posts SKIP_WAITING, and every open page reloads into the new
 *   version.
 * - activate: delete this guide's caches of other versions (only caches
 *   whose name starts with CACHE_PREFIX and this scope), but none while a
 *   newer worker is installing or waiting: its cache may be one of them,
 *   and it deletes the rest when it takes over. Then claim clients.
 * - fetch: only same-origin GET requests inside the scope are handled.
 *   Navigations: precache first, then network; offline and not precached,
 *   the offline page. Other same-origin files: the page's version's
 *   precache first, then the guide's other caches, then network (never
 *   stored). Cross-origin requests are never touched or cached.
 *
 * Every URL is relative to this file, so the guide works at "/" and under
 * a sub-path such as "/okc/guide/".
 */
'use strict';

const VERSION = 'dev';
const PRECACHE = [];
// The offline page in each language: offline.html at the root, and
// es/offline.html for pages under es/.
const OFFLINE_PAGES = PRECACHE.map(([path]) => path)
  .filter((path) => path === 'offline.html' || path.endsWith('/offline.html'))
  .sort((a, b) => b.length - a.length);

const SCOPE = new URL('./', self.location).href;
const CACHE_PREFIX = 'guide:' + SCOPE + ':';
const CACHE_NAME = CACHE_PREFIX + VERSION;
// How long to wait before each new try of a failed download, in ms.
const RETRY_DELAYS = [500, 1500, 4000];
// A download is given up, and tried again, when nothing has arrived for
// this long, in ms: waiting for the answer, or between two parts of its
// body. On a weak phone signal (2G, or a crowded 3G cell) a file of ours
// (10 KB at most) arrives in a few seconds, and a connection that has to
// be made first costs a few round trips of up to a second or two each; a
// lost packet stalls TCP for 1, 2, 4, then 8 s before it is sent again. 20
// s covers all of that, while a connection that went dead (a black hole,
// common on a weak signal) is given up in seconds instead of the browser's
// own minutes. A slow download that is still moving is never cut.
const FETCH_TIMEOUT = 20000;
// How many files are downloaded at once. Browsers open at most 6
// connections to a host; fewer leaves room for the page's own requests,
// and a file waiting for a free connection would count that wait against
// FETCH_TIMEOUT.
const PARALLEL = 4;
// How long the worker in charge waits for a waiting worker to answer
// during a hand-over, in ms.
const HANDOVER_TIMEOUT = 3000;

// The key each precached URL (absolute) is stored under: the URL plus its
// revision, so an unchanged file keeps its key across versions and can be
// copied instead of downloaded. Each version's cache holds one key per URL.
const PRECACHE_KEYS = PRECACHE.map(([path, rev]) => {
  const url = new URL(path, SCOPE).href;
  return [url, rev ? url + '?__rev=' + rev : url];
});

// pageURL is url without its query and fragment, with a folder's address
// mapped to its index.html: the URL a precached file is kept under.
function pageURL(url) {
  const u = new URL(url);
  u.hash = '';
  u.search = '';
  if (u.pathname.endsWith('/')) u.pathname += 'index.html';
  return u.href;
}

// fromCache finds url in the named version's cache, and nothing when that
// cache is gone (caches.open would make it again, empty). Keys carry a
// revision as their query, so the match ignores queries.
function fromCache(name, url) {
  return caches.match(pageURL(url), { ignoreSearch: true, cacheName: name });
}

async function fromOlderCache(key) {
  for (const name of await caches.keys()) {
    if (name === CACHE_NAME || !name.startsWith(CACHE_PREFIX)) continue;
    const hit = await (await caches.open(name)).match(key);
    if (hit) return hit;
  }
  return undefined;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// fetchWhole fetches url and reads its body whole, giving up (AbortError)
// when nothing arrives for FETCH_TIMEOUT. It returns the answer's status
// and a plain copy of it, or for a failed answer the request aborted, so
// that its connection is free for the next try (cancelling the body alone
// leaves Firefox holding the connection while the body comes). The copy is never a
// redirect: many hosts redirect index.html to ./ (Go's file server,
// Cloudflare Pages) or about.html to about (Netlify's pretty URLs); the
// body is still the guide's own file, but a browser refuses a redirected
// response as the answer to a page load.
async function fetchWhole(url) {
  const abort = new AbortController();
  let timer;
  const moving = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(), FETCH_TIMEOUT);
  };
  try {
    moving();
    const res = await fetch(url, { cache: 'reload', credentials: 'same-origin', signal: abort.signal });
    if (res.status !== 200 || res.type !== 'basic' || !res.url.startsWith(SCOPE)) {
      abort.abort();
      return { res };
    }
    const parts = [];
    const reader = res.body.getReader();
    for (;;) {
      moving();
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
    }
    const copy = new Response(new Blob(parts), { status: res.status, statusText: res.statusText, headers: res.headers });
    return { res, copy };
  } finally {
    clearTimeout(timer);
  }
}

// download fetches one precache entry from the network, trying again on
// errors that a weak signal or a busy host cause. It asks for the key, the
// address with the file's revision as its query: hosts ignore the query,
// but a cache in between (a CDN's edge) cannot answer with an older copy.
async function download(url) {
  for (let attempt = 0; ; attempt++) {
    let res;
    let failure;
    try {
      const got = await fetchWhole(url);
      if (got.copy) return got.copy;
      res = got.res;
      failure = new Error('precache: ' + url + ' answered ' + res.status + ' from ' + res.url);
      failure.status = res.status;
    } catch (err) {
      failure = err;
    }
    const transient = !res || res.status >= 500 || res.status === 408 || res.status === 429;
    if (!transient || attempt >= RETRY_DELAYS.length) throw failure;
    await sleep(RETRY_DELAYS[attempt]);
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE_NAME);
    const have = new Set((await cache.keys()).map((req) => req.url));
    const todo = PRECACHE_KEYS.map(([, key]) => key).filter((key) => !have.has(key));
    // Every entry is tried, so one failure does not stop the others from
    // being kept for the next attempt; but once a download has had no
    // answer at all on every try (offline, or timed out) the signal is
    // gone, and no new one starts, so an install that cannot finish ends
    // within about 4 × FETCH_TIMEOUT.
    const failures = [];
    let dead = false;
    const lane = async () => {
      while (todo.length && !dead) {
        const key = todo.shift();
        try {
          await cache.put(key, (await fromOlderCache(key)) || (await download(key)));
        } catch (err) {
          failures.push(err);
          if (!err.status) dead = true;
        }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, lane));
    if (failures.length) throw failures[0];
    // An older worker taking over deletes caches it does not know; this
    // version must not take over with its cache gone.
    if (!(await caches.has(CACHE_NAME))) throw new Error('precache: ' + CACHE_NAME + ' was deleted');
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (self.registration.installing || self.registration.waiting) break;
      if (name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

// SKIP_WAITING comes from a page's Reload button: take over now. Or it
// comes from the worker in charge when it hands over at a navigation; that
// one passes a port, gets this version's cache name back, and answers the
// navigation from that cache only if the answer came in time, in which
// case it says "go" on the port: only then does this worker take over.
self.addEventListener('message', (event) => {
  if (!event.data || event.data.type !== 'SKIP_WAITING') return;
  const port = event.ports[0];
  // The browser must hear of it before this worker may stop.
  if (!port) {
    event.waitUntil(self.skipWaiting());
    return;
  }
  event.waitUntil(new Promise((resolve) => {
    port.onmessage = () => {
      resolve(self.skipWaiting());
      port.postMessage('ok');
    };
    // Long after the worker in charge has given up; the timer also keeps
    // the port from being collected before "go" comes.
    setTimeout(() => {
      port.close();
      resolve();
    }, 2 * HANDOVER_TIMEOUT);
    port.postMessage(CACHE_NAME);
  }));
});

// handOver asks the waiting worker for its cache's name and, when it
// answers within HANDOVER_TIMEOUT, tells it to take over ("go") and
// returns the name once it says it has asked to ("ok"): Chromium lets a
// waiting worker take over reliably only while the worker in charge is
// still answering the navigation. With no answer in time, handOver
// returns undefined and closes the port, so that a late answer is never
// told to take over.
function handOver(worker) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => {
      channel.port1.close();
      resolve();
    }, HANDOVER_TIMEOUT);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      const name = event.data;
      if (typeof name !== 'string' || !name.startsWith(CACHE_PREFIX)) return resolve();
      channel.port1.onmessage = () => resolve(name);
      setTimeout(() => resolve(name), HANDOVER_TIMEOUT);
      channel.port1.postMessage('go');
    };
    worker.postMessage({ type: 'SKIP_WAITING' }, [channel.port2]);
  });
}

// Pages handed to a new version during their navigation, by client id,
// mapped to that version's cache: their files come from it too.
const handedOver = new Map();

// versionFor picks the cache that answers a navigation. When a new
// version is waiting and the guide has no other page open, the new version
// takes over now. The page that navigates (a link tap, a reload) is still
// open and on screen; a page opened anew (from the home screen) is not yet
// among the pages, so a page of the guide left open behind it, hidden,
// keeps the old version and shows the notice.
async function versionFor(event) {
  const waiting = self.registration.waiting;
  if (!waiting) return CACHE_NAME;
  const pages = await self.clients.matchAll({ type: 'window' });
  if (pages.length > 1 || (pages.length === 1 && pages[0].visibilityState !== 'visible')) return CACHE_NAME;
  const name = await handOver(waiting);
  if (!name) return CACHE_NAME;
  if (event.resultingClientId) handedOver.set(event.resultingClientId, name);
  return name;
}

async function navigate(event) {
  const request = event.request;
  const name = await versionFor(event);
  const hit = await fromCache(name, request.url);
  if (hit) return hit;
  try {
    return await fetch(request);
  } catch (err) {
    const path = request.url.slice(SCOPE.length);
    const page = OFFLINE_PAGES.find((p) => path.startsWith(p.slice(0, -'offline.html'.length)));
    const offlineURL = page && new URL(page, SCOPE).href;
    // Any saved copy of the offline page will do if this version's is gone.
    const offline = page && ((await fromCache(name, offlineURL)) || (await caches.match(pageURL(offlineURL), { ignoreSearch: true })));
    if (offline) return offline;
    throw err;
  }
}

// asset answers a page's file from the page's version: this one's, or
// the newer one's it was handed to. The browser may restart this worker
// at any time, the handedOver map with it (Chromium does right after a
// hand-over), so a file this version lacks is then looked for in the
// guide's other caches: the CSS and JS have their content's hash in their
// names, so a page still gets its own.
async function asset(event) {
  const url = event.request.url;
  const hit = await fromCache(handedOver.get(event.clientId) || CACHE_NAME, url);
  if (hit) return hit;
  for (const name of await caches.keys()) {
    const other = name.startsWith(CACHE_PREFIX) && (await fromCache(name, url));
    if (other) return other;
  }
  return fetch(event.request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  event.respondWith(request.mode === 'navigate' ? navigate(event) : asset(event));
});
