// Solves the report API's ALTCHA proof-of-work challenges (v1, SHA-256) in a Web Worker, so the
// page never stalls: altcha-worker.js does the hashing. No widget, no CDN: the payload goes into
// the report's `altcha` field. The worker is a file of this site, as the CSP's worker-src 'self' asks.
var WORKER_URL = new URL("altcha-worker.js", import.meta.url);

var worker = null;
var pending = {};
var nextId = 0;

function failAll(error) {
  Object.keys(pending).forEach(function (id) {
    pending[id].reject(error);
  });
  pending = {};
  worker = null;
}

// One worker for the page's lifetime: started at the first challenge, then reused.
function started() {
  if (!worker) {
    worker = new Worker(WORKER_URL);
    worker.onmessage = function (event) {
      var answer = event.data;
      var request = pending[answer.id];
      delete pending[answer.id];
      if (answer.error) {
        request.reject(new Error(answer.error));
      } else {
        request.resolve(answer);
      }
    };
    worker.onerror = function (event) {
      event.preventDefault();
      failAll(new Error("proof-of-work worker failed"));
    };
  }
  return worker;
}

// Resolves with the base64 payload for the `altcha` field; rejects when it cannot solve.
export function solve(challenge) {
  if (!window.Worker || !challenge || !challenge.salt) {
    return Promise.reject(new Error("cannot solve"));
  }
  return new Promise(function (resolve, reject) {
    nextId += 1;
    pending[nextId] = { resolve: resolve, reject: reject };
    started().postMessage({ id: nextId, challenge: challenge });
  }).then(function (answer) {
    return btoa(
      JSON.stringify({
        algorithm: challenge.algorithm || "SHA-256",
        challenge: challenge.challenge,
        number: answer.number,
        salt: challenge.salt,
        signature: challenge.signature,
        took: answer.took,
      })
    );
  });
}
