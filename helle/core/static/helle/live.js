// The live connection of a logged-in page. It carries events for this member only;
// the page still works without it. "session.ended" means the account was logged out
// elsewhere (or deleted), so the page leaves and shows nothing private any more.
(function () {
  "use strict";
  var url = document.body.getAttribute("data-events-url");
  if (!url || !("WebSocket" in window)) { return; }
  var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
  var delay = 1000;

  // Show a notice at the top of the page, read out at once by screen readers.
  function announce(text, href) {
    var region = document.getElementById("live-alerts");
    if (!region || !text) { return; }
    var link = document.createElement("a");
    link.href = href;
    link.textContent = text;
    var notice = document.createElement("p");
    notice.className = "message message--error";
    notice.appendChild(link);
    region.appendChild(notice);
  }

  // A new notification (a reply in a followed conversation, an answered letter): a number in the menu grows.
  function countNotification(id) {
    var badge = document.getElementById(id);
    if (!badge) { return; }
    badge.textContent = String((parseInt(badge.textContent, 10) || 0) + 1);
    badge.hidden = false;
  }

  function connect() {
    var socket = new WebSocket(scheme + window.location.host + url);
    socket.onopen = function () { delay = 1000; };
    socket.onmessage = function (message) {
      var event = JSON.parse(message.data);
      if (event.type === "session.ended") { window.location.replace("/"); }
      if (event.type === "grooming.alert") { announce(document.body.getAttribute("data-grooming-text"), "/moderation/" + event.item + "/"); }
      if (event.type === "crisis.alert") {
        // A crisis letter is answered from the letter queue, where it is now first; other texts from the review queue.
        // A crisis in a chat is met in the chat console, where that chat is now first in the queue.
        var where = event.surface === "letter" ? "/answering/"
          : event.surface === "chat" ? "/counselling/" : "/moderation/" + event.item + "/";
        announce(document.body.getAttribute("data-crisis-text"), where);
      }
      if (event.type === "chat.debrief") { announce(document.body.getAttribute("data-debrief-text"), "/counselling/" + event.conversation + "/"); }
      if (event.type === "chat.transferred") { announce(document.body.getAttribute("data-transferred-text"), "/counselling/"); }
      if (event.type === "chat.high_risk") { announce(document.body.getAttribute("data-risk-text"), "/counselling/" + event.conversation + "/"); }
      if (event.type === "statement.new") { announce(document.body.getAttribute("data-statement-text"), "/account/decisions/"); }
      if (event.type === "forum.notification") { countNotification("notification-count"); }
      if (event.type === "letter.answered") {
        countNotification("letters-count");
        announce(document.body.getAttribute("data-letter-text"), "/letters/" + event.letter + "/");
      }
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
