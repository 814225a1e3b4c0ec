// Live inbox and conversation pages: a server-sent event says "something changed"; the page fetches itself
// again and swaps the parts that show it. Without this file (or without EventSource) a reload does the same.
(function () {
  "use strict";
  var marker = document.querySelector("[data-live]");
  if (!marker || !window.EventSource) { return; }
  var parts = ["inbox-list", "transcript", "state-line", "count-needs_staff", "count-staff", "count-agent"];
  var status = document.querySelector(".live-status");
  var refreshing = false, again = false;

  function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch(location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        parts.forEach(function (id) {
          var now = document.getElementById(id), next = fresh.getElementById(id);
          if (now && next) { now.replaceWith(document.importNode(next, true)); }
        });
        var buttons = document.querySelector("#conversation-head .row"),
            freshButtons = fresh.querySelector("#conversation-head .row");
        if (buttons && freshButtons) { buttons.replaceWith(document.importNode(freshButtons, true)); }
      })
      .catch(function () {})
      .then(function () { refreshing = false; if (again) { again = false; refresh(); } });
  }

  var source = new EventSource("/staff/live?topic=" + encodeURIComponent(marker.getAttribute("data-live")));
  source.addEventListener("change", refresh);
  source.onopen = function () { if (status) { status.dataset.connected = "yes"; } };
  source.onerror = function () { if (status) { status.dataset.connected = "no"; } };
})();
