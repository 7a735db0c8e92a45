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
  var reloading = false;

  // Called with every generation heard of: a page of another one is out of date.
  function seen(generation) {
    if (generation !== shown && !reloading) {
      reloading = true;
      location.reload();
    }
  }

  // Long-poll: one request at a time, answered at once with the current generation when it
  // differs from `known` (the first request names none), else after 25 s with the same one.
  // Used where Server-Sent Events are missing or something between the page and serve
  // holds the stream back.
  function poll(known, tell) {
    var x = new XMLHttpRequest();
    var asked = known === null ? "" : "generation=" + encodeURIComponent(known) + "&";
    x.open("GET", base + "poll?" + asked + page);
    x.onload = function () {
      var now = x.status === 200 ? x.responseText.trim() : null;
      if (now !== null) tell(now);
      setTimeout(function () {
        poll(now === null ? known : now, tell);
      }, now === null ? 1000 : 0);
    };
    x.onerror = function () {
      setTimeout(function () {
        poll(known, tell);
      }, 1000);
    };
    x.send();
  }

  // One connection to serve, telling every generation it hears of: the current one at once
  // (and again after serve restarted), then each new one.
  function listen(tell) {
    if (!window.EventSource) {
      poll(null, tell);
      return;
    }
    var events = new EventSource(base + "events?" + page);
    var heard = false;
    events.addEventListener("reload", function (e) {
      heard = true;
      tell(e.data);
    });
    events.onerror = function () {
      // Never heard from: the stream is blocked on the way, so ask by long-poll instead.
      if (!heard) {
        events.close();
        poll(null, tell);
      }
    };
  }

  // A browser opens at most six connections to one server, and each page's stream holds
  // one for good: with more pages of the site open, the next page would never load. So the
  // pages of one browser share a single stream: the page holding a lock listens and
  // passes each generation on to the others, and when it goes, another page takes the lock.
  var name = "fulcrum-live " + base;
  var channel = window.BroadcastChannel && navigator.locks ? new BroadcastChannel(name) : null;
  if (!channel) {
    listen(seen);
    return;
  }
  var latest = null;
  channel.onmessage = function (e) {
    var m = e.data || {};
    if (m.ask) {
      // Only the listening page has heard anything.
      if (latest !== null) channel.postMessage({ generation: latest });
    } else if (typeof m.generation === "string") {
      seen(m.generation);
    }
  };
  navigator.locks.request(name, function () {
    listen(function (generation) {
      latest = generation;
      channel.postMessage({ generation: generation });
      seen(generation);
    });
    // Held while the page is open.
    return new Promise(function () {});
  });
  // A page loaded during a rebuild may be out of date already: ask the listening page.
  channel.postMessage({ ask: true });
})();
