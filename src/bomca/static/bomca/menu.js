// On a narrow screen the header's menu, the signed-in box and the language fold behind one
// button, so that the page starts on the first screen. Without script nothing folds.
(function () {
  "use strict";
  const header = document.querySelector(".site-header");
  const toggle = header && header.querySelector(".menu-toggle");
  if (!toggle) return;
  header.classList.add("menu-folds");
  toggle.addEventListener("click", function () {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    header.classList.toggle("menu-open", open);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && header.classList.contains("menu-open")) {
      toggle.click();
      toggle.focus();
    }
  });
})();
