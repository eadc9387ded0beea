/*
 * The guide's service worker. `guide build` fills in VERSION and PRECACHE
 * (every file the guide needs offline, each with a content revision) and
 * writes the result, minified, to sw.js at the site's root.
 *
 * Lifecycle:
 * - install: fetch every precache entry into a cache named for this build's
 *   VERSION. Entries whose revision is unchanged are copied from an older
 *   cache of ours instead of downloaded. A redirect is followed only
 *   when it ends inside the scope (hosts send index.html to ./). If any
 *   entry fails, install fails and the worker already in charge keeps
 *   serving the old version whole.
 * - waiting: a new worker waits while pages of the old version are open, so
 *   no page ever gets assets from another version. Pages show a "newer
 *   version" notice; its Reload button posts SKIP_WAITING. Otherwise the
 *   new worker takes over once every tab of the guide is closed, so a
 *   returning visitor sees new content no later than the second visit.
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

// cacheKey maps each precached URL (absolute) to the key it is stored under:
// the URL plus its revision, so an unchanged file keeps its key across
// versions and can be copied instead of downloaded.
const cacheKey = new Map();
for (const [path, rev] of PRECACHE) {
  const url = new URL(path, SCOPE).href;
  cacheKey.set(url, rev ? url + '?__rev=' + rev : url);
}

function keyFor(url) {
  const u = new URL(url);
  u.hash = '';
  u.search = '';
  if (u.pathname.endsWith('/')) u.pathname += 'index.html';
  return cacheKey.get(u.href);
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

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE_NAME);
    await Promise.all([...cacheKey].map(async ([url, key]) => {
      if (await cache.match(key)) return;
      let res = await fromOlderCache(key);
      if (!res) {
        res = await fetch(url, { cache: 'reload', credentials: 'same-origin' });
        if (res.status !== 200 || res.type !== 'basic' || !res.url.startsWith(SCOPE)) {
          throw new Error('precache: ' + url + ' answered ' + res.status + ' from ' + res.url);
        }
        if (res.redirected) res = await withoutRedirect(res);
      }
      await cache.put(key, res);
    })).catch(async (err) => {
      // Never leave a half-filled cache behind.
      await caches.delete(CACHE_NAME);
      throw err;
    });
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

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting();
});

async function precached(url) {
  const key = keyFor(url);
  if (!key) return undefined;
  return (await caches.open(CACHE_NAME)).match(key);
}

async function navigate(request) {
  const hit = await precached(request.url);
  if (hit) return hit;
  try {
    return await fetch(request);
  } catch (err) {
    const path = request.url.slice(SCOPE.length);
    const page = OFFLINE_PAGES.find((p) => path.startsWith(p.slice(0, -'offline.html'.length)));
    const offline = page && await precached(new URL(page, SCOPE).href);
    if (offline) return offline;
    throw err;
  }
}

async function asset(request) {
  const hit = await precached(request.url);
  return hit || fetch(request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(request));
  } else {
    event.respondWith(asset(request));
  }
});
