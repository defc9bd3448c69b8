// Quick exit: leave for a neutral site at once and take this page out of the history,
// so the back button does not bring it back. Press Escape twice to do the same.
(function () {
  "use strict";
  var body = document.body;
  var target = body.getAttribute("data-quick-exit-url") || "https://www.dmi.dk/";
  var lastEscape = 0;

  function leave(event) {
    if (event) { event.preventDefault(); }
    document.title = "";
    body.style.visibility = "hidden";
    window.location.replace(target);
  }

  var button = document.getElementById("quick-exit");
  if (button) { button.addEventListener("click", leave); }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 1000) { leave(event); }
    lastEscape = now;
  });
})();
