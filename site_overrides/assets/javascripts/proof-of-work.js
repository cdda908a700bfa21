// The proof of work of the report form, solved in the background from the moment the page has
// loaded, and solved again before the challenge expires for a child who writes long. Sending never
// waits long for it: without a solution the report still goes, only marked unverified.
import { solve } from "./altcha-solver.js";

// How long a send waits for the proof of work before it goes without it (as unverified).
var WAIT_MS = 10000;
// Challenges expire after 10 minutes: solve a fresh one in time for a child who writes long.
var REFRESH_MS = 8 * 60 * 1000;

// The solver, for the benchmark and the browser tests: they solve challenges of their own.
window.reportdeskAltcha = { solve: solve };

// Starts solving the challenges of `form` (data-challenge-url); its data-altcha attribute says
// "solving", "solved" or "failed". Returns the function that gives the payload to send.
export function proofOfWork(form, minFillSeconds) {
  var payload = null;
  var done = null;

  function solveChallenge(delay) {
    form.setAttribute("data-altcha", "solving");
    done = fetch(form.getAttribute("data-challenge-url"), {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("no challenge");
        }
        return response.json();
      })
      .then(solve)
      .then(
        function (solved) {
          // A fresh challenge counts the fill time from now: until that has passed, the previous
          // solution (still valid) is the one to send.
          window.setTimeout(function () {
            payload = solved;
            form.setAttribute("data-altcha", "solved");
          }, delay);
        },
        function () {
          form.setAttribute("data-altcha", "failed");
        }
      );
  }

  function start() {
    solveChallenge(0);
    window.setInterval(function () {
      solveChallenge(minFillSeconds * 1000);
    }, REFRESH_MS);
  }

  if (document.readyState === "complete") {
    start();
  } else {
    window.addEventListener("load", start);
  }

  // The payload for the report's `altcha` field, or null after WAIT_MS without one.
  return function current() {
    if (!done) {
      return Promise.resolve(null);
    }
    var timeout = new Promise(function (resolve) {
      window.setTimeout(resolve, WAIT_MS);
    });
    return Promise.race([done, timeout]).then(function () {
      return payload;
    });
  };
}
