// Dossier page: print the file (the print stylesheet turns the page into the paper dossier).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
