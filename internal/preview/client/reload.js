// Live preview client for `guide serve`. The preview server adds this
// script to every page it serves, with the id of the build the page came
// from. It listens to the server's event stream and:
//   - reloads the page when a newer build is served;
//   - lists the problems of a failed build in a banner, over the last good
//     build, until the next good build reloads the page.
// It uses no inline script or style and inserts text with textContent only,
// so the page's Content-Security-Policy holds.
(function () {
  'use strict';
  if (!window.EventSource || !document.currentScript) return;
  var build = document.currentScript.getAttribute('data-build') || '';
  var BANNER = 'guide-serve-errors';

  var css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = '/_guide/reload.css';
  document.head.appendChild(css);

  function el(tag, text) {
    var e = document.createElement(tag);
    if (text) e.textContent = text;
    return e;
  }

  function show(lines) {
    var old = document.getElementById(BANNER);
    if (old) old.parentNode.removeChild(old);
    var box = el('section');
    box.id = BANNER;
    box.setAttribute('role', 'alert');
    box.appendChild(el('h2', 'The guide did not build'));
    box.appendChild(el('p', 'Fix the problems below and save. Until then, you see the last good build.'));
    var list = el('ul');
    for (var i = 0; i < lines.length; i++) {
      if (lines[i]) list.appendChild(el('li', lines[i]));
    }
    box.appendChild(list);
    document.body.insertBefore(box, document.body.firstChild);
  }

  function check(e) {
    if (e.data !== build) location.reload();
  }

  var events = new EventSource('/_guide/events');
  events.addEventListener('hello', check);
  events.addEventListener('reload', check);
  events.addEventListener('errors', function (e) {
    show(e.data.split('\n'));
  });
})();
