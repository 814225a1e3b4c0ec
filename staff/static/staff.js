// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Board: the first press on a green cell selects it (blue); the second press books it.
  document.querySelectorAll("td.cell.available button").forEach(function (button) {
    button.addEventListener("click", function (event) {
      var cell = button.parentElement;
      if (cell.classList.contains("selected")) { return; }
      event.preventDefault();
      document.querySelectorAll("td.cell.selected").forEach(function (c) { c.classList.remove("selected"); });
      cell.classList.add("selected");
      button.setAttribute("aria-label", "Press again to book " + button.value.split("|")[1].slice(11, 16));
    });
  });
  // Line items: the price field only matters for flexible services.
  var service = document.getElementById("service");
  var price = document.getElementById("unit-price");
  if (service && price) {
    var sync = function () {
      var option = service.options[service.selectedIndex];
      var flexible = option && option.dataset.pricing === "flexible";
      price.disabled = !flexible;
      price.parentElement.style.display = flexible ? "" : "none";
      if (flexible && !price.value) { price.value = option.dataset.price || ""; }
    };
    service.addEventListener("change", sync);
    sync();
  }
  // Destructive forms ask first; without this file the danger zone's <details> is the step that asks.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
})();
