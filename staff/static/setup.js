// Copy buttons: the snippet's text to the clipboard (without this file, the text can be selected by hand).
(function () {
  "use strict";
  document.querySelectorAll("button[data-copies]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.dataset.copies);
      var done = document.getElementById("copy-done");
      var report = function (text) { if (done) { done.textContent = text; } };
      source.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(function () { report("Copied."); },
                                                         function () { report("Select the text and copy it."); });
      } else {
        report(document.execCommand("copy") ? "Copied." : "Select the text and copy it.");
      }
    });
  });
})();
