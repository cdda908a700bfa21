// Quick exit after GOV.UK's "Exit this page": the link already leaves without JavaScript; this
// hides the page at once, replaces it in the history, and adds the Shift-three-times shortcut.
(function () {
  "use strict";

  var link = document.querySelector("[data-quick-exit]");
  if (!link) {
    return;
  }

  // GOV.UK's timing: three Shift presses within a few seconds, nothing else in between.
  var PRESSES = 3;
  var WINDOW_MS = 5000;
  var presses = 0;
  var timer = 0;

  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    // Hide first, so nothing stays readable while the other site loads.
    document.documentElement.classList.add("quick-exit-leaving");
    document.title = "";
    // replace(), not assign(): the Back button does not return to this page.
    window.location.replace(link.href);
  }

  function reset() {
    presses = 0;
    window.clearTimeout(timer);
  }

  link.addEventListener("click", leave);

  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") {
      reset();
      return;
    }
    presses += 1;
    window.clearTimeout(timer);
    if (presses >= PRESSES) {
      reset();
      leave();
      return;
    }
    timer = window.setTimeout(reset, WINDOW_MS);
  });
})();
