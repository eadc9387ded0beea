// Install and share help (layouts/_partials/apphelp.html), all hidden until
// this script shows what the browser can do:
// - an Install button once the browser offers to install the guide
//   (beforeinstallprompt);
// - on iPhone and iPad, whose browsers never offer, a hint to use Share,
//   then Add to Home Screen, until the reader closes it (remembered);
// - neither once the guide runs installed;
// - a Share button where the Web Share API exists, sharing the home page.
(function () {
  var d = document;
  function $(id) { return d.getElementById(id); }
  var install = $('install'), hint = $('ios-hint'), share = $('share');
  if (!install || !hint || !share || !d.currentScript) return;
  // This script is built to js/ under the site's root.
  var root = new URL('../', d.currentScript.src);
  var KEY = 'guide-ios-hint-closed';
  var nav = navigator, ua = nav.userAgent;
  var installed = matchMedia('(display-mode: standalone)').matches || nav.standalone === true;
  if (!installed) {
    var offer = null;
    addEventListener('beforeinstallprompt', function (e) {
      e.preventDefault();
      offer = e;
      install.hidden = false;
    });
    addEventListener('appinstalled', function () { install.hidden = true; });
    install.onclick = function () {
      if (!offer) return;
      install.hidden = true;
      offer.prompt();
      offer = null;
    };
    // iPadOS Safari names itself a Mac; a Mac has no touch screen.
    var ios = /iPhone|iPad|iPod/.test(ua) || (nav.platform === 'MacIntel' && nav.maxTouchPoints > 1);
    var closed = false;
    try { closed = localStorage.getItem(KEY) === '1'; } catch (e) {}
    if (ios && !/Android/.test(ua) && !closed) hint.hidden = false;
    $('ios-hint-close').onclick = function () {
      hint.hidden = true;
      try { localStorage.setItem(KEY, '1'); } catch (e) {}
    };
  }
  if (nav.share) {
    share.hidden = false;
    share.onclick = function () {
      nav.share({ title: share.getAttribute('data-title'), text: share.getAttribute('data-text'), url: new URL(share.getAttribute('data-url'), root).href })
        .catch(function () {});
    };
  }
})();
