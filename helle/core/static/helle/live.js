// The live connection of a logged-in page. It carries events for this member only;
// the page still works without it. "session.ended" means the account was logged out
// elsewhere (or deleted), so the page leaves and shows nothing private any more.
(function () {
  "use strict";
  var url = document.body.getAttribute("data-events-url");
  if (!url || !("WebSocket" in window)) { return; }
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var delay = 1000;

  function connect() {
    var socket = new WebSocket(scheme + window.location.host + url);
    socket.onopen = function () { delay = 1000; };
    socket.onmessage = function (message) {
      var event = JSON.parse(message.data);
      if (event.type === "session.ended") { window.location.replace("/"); }
      document.dispatchEvent(new CustomEvent("helle:event", { detail: event }));
    };
    socket.onclose = function (closing) {
      if (closing.code === 4401) { return; }   // not logged in any more: stop trying
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
