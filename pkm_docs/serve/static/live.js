// pkm serve: the figures and words of an amount, a percentage or a quantity, written while it is typed.
// The form works without this file; it only asks the server how the agreement will write the value
// (GET /d/DRAFT/words?field=NAME&value=TEXT, answered as plain text) and shows the answer as text.
"use strict";
document.querySelectorAll("input[data-preview]").forEach(function (input) {
  var target = document.getElementById("preview-" + input.name);
  var timer = null;
  if (!target) return;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var url = input.dataset.preview + "?field=" + encodeURIComponent(input.name) +
        "&value=" + encodeURIComponent(input.value);
      fetch(url, {credentials: "same-origin"}).then(function (response) {
        return response.ok ? response.text() : "";
      }).then(function (text) {
        target.textContent = text ? "Tertulis / Written: " + text : "";
      }).catch(function () {});
    }, 200);
  });
});
