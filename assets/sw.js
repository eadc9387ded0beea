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
 *   downloaded. A download that fails on the network, or with a 5xx, 408 or
 *   429, is tried again after a short wait. If an entry still fails, the
 *   install fails: the worker already in charge keeps serving the old
 *   version whole, and the next attempt downloads only what is missing. A
 *   redirect is followed only when it ends inside the scope (hosts send
 *   index.html to ./).
 * - waiting: a new worker waits while pages of the old version are open,
 *   so no page ever gets assets from another version. When the page that
 *   navigates is the guide's only open page, the old worker hands over at
 *   that navigation (a reload, a link tap, a start from the home screen):
 *   it asks the waiting worker to take over and answers the navigation
 *   from the new version's cache. With several pages open, each shows a
 *   "newer version" notice; its Reload button posts SKIP_WAITING, and
 *   every open page reloads into the new version.
 * - activate: delete this guide's caches of other versions (only caches
 *   whose name starts with CACHE_PREFIX and this scope), then claim clients.
 * - fetch: only same-origin GET requests inside the scope are handled.
 *   Navigations: precache first, then network; offline and not precached,
 *   the offline page. Other same-origin files: precache first, then network
 *   (never stored). Cross-origin requests are never touched or cached.
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

// Many hosts redirect index.html to ./ (Go's file server, Cloudflare
// Pages) or about.html to about (Netlify's pretty URLs). The body is still
// the guide's own file, but a browser refuses a redirected response as the
// answer to a page load, so store a plain copy.
async function withoutRedirect(res) {
  return new Response(await res.blob(), {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
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

// download fetches one precache entry from the network, trying again on
// errors that a weak signal or a busy host cause. It asks for the key, the
// address with the file's revision as its query: hosts ignore the query,
// but a cache in between (a CDN's edge) cannot answer with an older copy.
async function download(url) {
  for (let attempt = 0; ; attempt++) {
    let res;
    let failure;
    try {
      res = await fetch(url, { cache: 'reload', credentials: 'same-origin' });
      if (res.status === 200 && res.type === 'basic' && res.url.startsWith(SCOPE)) {
        return res.redirected ? withoutRedirect(res) : res;
      }
      failure = new Error('precache: ' + url + ' answered ' + res.status + ' from ' + res.url);
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
    // Every entry is tried, so one failure does not stop the others from
    // being kept for the next attempt.
    const results = await Promise.allSettled(PRECACHE_KEYS.map(async ([url, key]) => {
      if (have.has(key)) return;
      await cache.put(key, (await fromOlderCache(key)) || (await download(key)));
    }));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

// SKIP_WAITING comes from a page's Reload button, or from the worker in
// charge when it hands over at a navigation; that one passes a port and
// gets this version's cache name back.
self.addEventListener('message', (event) => {
  if (!event.data || event.data.type !== 'SKIP_WAITING') return;
  // The browser must hear of it before this worker may stop.
  event.waitUntil(self.skipWaiting());
  if (event.ports[0]) event.ports[0].postMessage(CACHE_NAME);
});

// handOver asks the waiting worker to take over and returns its cache's
// name, or undefined when it does not answer.
function handOver(worker) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    setTimeout(resolve, 3000);
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
  if (typeof name !== 'string' || !name.startsWith(CACHE_PREFIX)) return CACHE_NAME;
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

async function asset(event) {
  const hit = await fromCache(handedOver.get(event.clientId) || CACHE_NAME, event.request.url);
  return hit || fetch(event.request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  event.respondWith(request.mode === 'navigate' ? navigate(event) : asset(event));
});
