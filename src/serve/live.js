// Fulcrum serve: reloads the page when the site has been rebuilt. Added by `fulcrum serve`
// only; built sites never contain it.
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me) return;
  var shown = me.getAttribute("data-generation");
  var base = me.src.replace(/live\.js(\?.*)?$/, "");
  // Tells serve which page is open, so that a new build renders it first.
  var page = "page=" + encodeURIComponent(location.pathname);

  // Long-poll: one request at a time, answered as soon as the build differs from the one
  // this page shows (or after 25 s with the same one). Used where Server-Sent Events are
  // missing or something between the page and serve holds the stream back.
  function poll() {
    var x = new XMLHttpRequest();
    x.open("GET", base + "poll?generation=" + encodeURIComponent(shown) + "&" + page);
    x.onload = function () {
      var now = x.status === 200 ? x.responseText.trim() : null;
      if (now !== null && now !== shown) {
        location.reload();
      } else {
        setTimeout(poll, now === null ? 1000 : 0);
      }
    };
    x.onerror = function () {
      setTimeout(poll, 1000);
    };
    x.send();
  }

  if (!window.EventSource) {
    poll();
    return;
  }
  var events = new EventSource(base + "events?" + page);
  var heard = false;
  events.addEventListener("reload", function (e) {
    heard = true;
    // The first event after (re)connecting carries the current build: reload only if this
    // page is older, so a page loaded after a rebuild does not reload for nothing.
    if (e.data !== shown) {
      events.close();
      location.reload();
    }
  });
  events.onerror = function () {
    // Never heard from: the stream is blocked on the way, so ask by long-poll instead.
    if (!heard) {
      events.close();
      poll();
    }
  };
})();
