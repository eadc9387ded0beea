// Registers the guide's service worker (sw.js, at the site's root) and shows
// the "newer version" notice when a new worker is waiting. Pressing Reload
// asks the waiting worker to take over, then reloads once it has.
(function () {
  if (!('serviceWorker' in navigator) || !document.currentScript) return;
  // This script is built to js/ under the site's root.
  var root = new URL('../', document.currentScript.src);
  if (document.documentElement.hasAttribute('data-no-sw')) return;
  var notice = document.getElementById('update');
  var reloading = false;
  function offer(worker) {
    if (!notice || !worker) return;
    notice.hidden = false;
    var status = document.getElementById('update-status');
    if (status) status.textContent = status.getAttribute('data-text');
    document.getElementById('update-reload').onclick = function () {
      worker.postMessage({ type: 'SKIP_WAITING' });
    };
  }
  navigator.serviceWorker.addEventListener('controllerchange', function () {
    if (reloading || !notice || notice.hidden) return;
    reloading = true;
    location.reload();
  });
  navigator.serviceWorker.register(new URL('sw.js', root).href, { scope: root.href }).then(function (reg) {
    if (reg.waiting && navigator.serviceWorker.controller) offer(reg.waiting);
    reg.addEventListener('updatefound', function () {
      var w = reg.installing;
      if (!w) return;
      w.addEventListener('statechange', function () {
        if (w.state === 'installed' && navigator.serviceWorker.controller) offer(w);
      });
    });
  }).catch(function () {
    // No service worker here (a file:// page, a private window): the guide
    // still works online, just not offline.
  });
})();
