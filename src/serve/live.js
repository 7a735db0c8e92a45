// Fulcrum serve: reloads the page when the site has been rebuilt. Added by `fulcrum serve`
// only; built sites never contain it.
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !window.EventSource) return;
  var shown = me.getAttribute("data-generation");
  var events = new EventSource(me.src.replace(/live\.js(\?.*)?$/, "events"));
  events.addEventListener("reload", function (e) {
    // The first event after (re)connecting carries the current build: reload only if this
    // page is older, so a page loaded after a rebuild does not reload for nothing.
    if (e.data !== shown) {
      events.close();
      location.reload();
    }
  });
})();
