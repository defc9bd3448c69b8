// Put a saved snippet into the answer where the cursor is. Without JavaScript the snippets are
// still shown in full, to copy by hand.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-snippet]");
    var answer = document.getElementById("id_body");
    if (!button || !answer) { return; }
    var text = button.getAttribute("data-snippet");
    var start = answer.selectionStart, end = answer.selectionEnd;
    answer.value = answer.value.slice(0, start) + text + answer.value.slice(end);
    answer.focus();
    answer.selectionStart = answer.selectionEnd = start + text.length;
  });
})();
