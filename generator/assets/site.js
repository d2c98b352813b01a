/* Small fixes to Material's markup, for screen readers: the search dialog gets a name. */
(function () {
  "use strict";
  var search = document.querySelector(".md-search");
  var input = document.querySelector(".md-search__input");
  if (search && input && !search.hasAttribute("aria-label")) {
    search.setAttribute("aria-label", input.getAttribute("aria-label") || input.getAttribute("placeholder") || "Search");
  }
})();
