// Registers the guide's service worker (sw.js, at the site's root), keeps
// the reader on the newest version, and says when the guide is saved for
// offline use.
//
// - A new version that is waiting shows the "newer version" notice. Its
//   Reload button asks the new worker to take over; every open page then
//   reloads into the new version (a page is never left running against a
//   version whose files were deleted). On the very first install there is
//   no old version, so nothing reloads.
// - When the reader comes back to the page (it becomes visible again, or
//   returns from the back/forward cache), the browser is asked to check for
//   a new version, at most once every few minutes.
// - Once a worker is in charge the copy is complete: #saved says so, and
//   after the first install the browser is asked to keep the copy. It also
//   gives the date this device last made sure the copy is the newest
//   version: a finished install, or an update check that found nothing
//   new (kept in localStorage). Offline, a copy not checked for longer than
//   the site's limit says that numbers may have changed.
(function () {
  if (!('serviceWorker' in navigator) || !document.currentScript) return;
  // This script is built to js/ under the site's root.
  var root = new URL('../', document.currentScript.src);
  if (document.documentElement.hasAttribute('data-no-sw')) return;
  var sw = navigator.serviceWorker;
  var notice = document.getElementById('update');
  var saved = document.getElementById('saved');
  var stale = document.getElementById('stale');
  var controlled = !!sw.controller;
  var reloading = false;
  var CHECK_EVERY = 3 * 60 * 1000;
  var CURRENT = 'guide:current:' + root.href;
  var checked = 0;
  var checkFailed = false;
  var leaving = false;

  // current is when this device last knew its copy to be the newest, or 0.
  function current() {
    try { return +localStorage.getItem(CURRENT) || 0; } catch (e) { return 0; }
  }
  function isCurrent() {
    try { localStorage.setItem(CURRENT, String(Date.now())); } catch (e) { /* private mode */ }
    showSaved();
  }

  function offer(worker) {
    if (!notice || !sw.controller) return;
    notice.hidden = false;
    var status = document.getElementById('update-status');
    if (status) status.textContent = status.getAttribute('data-text');
    document.getElementById('update-reload').onclick = function () {
      worker.postMessage({ type: 'SKIP_WAITING' });
    };
  }
  function watch(worker) {
    if (!worker) return;
    if (worker.state === 'installed') waiting(worker);
    worker.addEventListener('statechange', function () {
      if (worker.state === 'installed') waiting(worker);
    });
  }
  // A new version waits: the next page opened may hand over to it, and
  // then this page hears "controllerchange" before pagehide. beforeunload
  // comes first, so it marks the page as being left from now on. It is
  // listened to only now, as it keeps a page out of the back/forward cache
  // in some browsers: a page of a version about to go should not be kept.
  function waiting(worker) {
    offer(worker);
    addEventListener('beforeunload', onLeave);
  }
  function onLeave() {
    leaving = true;
    // A tap on a tel: or download link leaves nothing; the page stays.
    setTimeout(function () { leaving = false; }, 5000);
  }
  function showSaved() {
    if (!saved || !stale || !sw.controller) return;
    var at = current();
    var date = new Date(at).toLocaleDateString(document.documentElement.lang, { dateStyle: 'long' });
    // Old, and not known to be current: offline, or the last check failed
    // (the host moved, a captive portal answered).
    var old = !!at && (!navigator.onLine || checkFailed) && Date.now() - at > stale.getAttribute('data-max-age-days') * 864e5;
    saved.textContent = saved.getAttribute('data-saved') + (at ? ' ' + saved.getAttribute('data-checked').replace('{date}', date) : '');
    stale.textContent = old ? stale.getAttribute('data-text').replace('{date}', date) : '';
    stale.hidden = !old;
  }

  sw.addEventListener('controllerchange', function () {
    if (!controlled) {
      // The first install just finished: the copy is saved.
      controlled = true;
      isCurrent();
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
      return;
    }
    isCurrent(); // the newest version just took over
    // A page the reader is leaving (a link tap, a reload) is not reloaded:
    // that would cancel where the reader is going, which the new version
    // answers anyway.
    if (reloading || leaving) return;
    reloading = true;
    location.reload();
  });
  // A page shown again from the back/forward cache (pageshow, below) is
  // staying.
  addEventListener('pagehide', function () { leaving = true; });
  addEventListener('offline', showSaved);
  showSaved();

  var reg = null;
  function check() {
    if (!reg || Date.now() - checked < CHECK_EVERY) return;
    checked = Date.now();
    reg.update().then(function () {
      checkFailed = false;
      if (sw.controller && !reg.installing && !reg.waiting) isCurrent();
      else showSaved();
    }, function () {
      // Offline, or the host did not answer: the copy stays as it was.
      checkFailed = true;
      showSaved();
    });
  }
  // register registers the worker, and follows the registration it gets:
  // after a failed first install, registering again makes a new one.
  function register() {
    return sw.register(new URL('sw.js', root).href, { scope: root.href, updateViaCache: 'none' }).then(function (r) {
      if (r === reg) return r;
      reg = r;
      watch(reg.waiting);
      watch(reg.installing);
      reg.addEventListener('updatefound', function () { watch(reg.installing); });
      // The browser checks as it loads the page, but says nothing when it
      // finds no new version; a check here dates the copy when it is due.
      if (controlled && Date.now() - current() >= CHECK_EVERY) check();
      return r;
    });
  }
  // saveAgain registers again after a failed first install. The browser
  // may still be clearing the failed one, and the signal may drop again:
  // while a try ends with no worker, it tries again a little later.
  function saveAgain(tries) {
    if (sw.controller || tries < 1) return;
    function later() { setTimeout(function () { saveAgain(tries - 1); }, 2000); }
    register().then(function (r) {
      var w = r.installing || r.waiting || r.active;
      if (!w || w.state === 'redundant') return later();
      w.addEventListener('statechange', function () {
        if (w.state === 'redundant') later();
      });
    }, later);
  }
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') check();
  });
  addEventListener('pageshow', function (e) {
    leaving = false;
    if (e.persisted) check();
  });
  // Back online: check now; and if the guide is not saved yet (the signal
  // dropped during the first visit), try again, fetching only what is
  // still missing.
  addEventListener('online', function () {
    checked = 0;
    if (sw.controller) check();
    else saveAgain(5);
  });
  // A first install still under way from an earlier visit (on a weak
  // signal, it may be waiting out a download) makes registering do
  // nothing: if it fails, try again, fetching only what is missing.
  sw.getRegistration(root.href).then(function (earlier) {
    var found = !controlled && earlier && !earlier.active && earlier.installing;
    if (found) {
      found.addEventListener('statechange', function () {
        if (found.state === 'redundant') saveAgain(5);
      });
    }
    return register();
  }).catch(function () {
    // No service worker here (a file:// page, a private window): the guide
    // still works online, just not offline.
  });
})();
