// The preview's service worker. A production build served earlier on this
// port may have left a worker that serves cached pages. The browser checks
// for a new sw.js when such a page loads; this one takes over at once,
// deletes the old caches, unregisters itself and reloads the open pages
// from the preview server.
self.addEventListener('install', function () {
  self.skipWaiting();
});
self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (keys) {
        return Promise.all(keys.map(function (k) { return caches.delete(k); }));
      })
      .then(function () { return self.registration.unregister(); })
      .then(function () { return self.clients.matchAll({ type: 'window' }); })
      .then(function (clients) {
        clients.forEach(function (c) { c.navigate(c.url); });
      })
  );
});
