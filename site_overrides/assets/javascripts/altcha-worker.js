// The proof-of-work worker: solves one ALTCHA v1 challenge at a time off the page's main thread,
// so typing never stalls, with the synchronous SHA-256 of sha256.js (one hash per number tried).
// Message in: {id, challenge}. Message out: {id, number, took} or {id, error}.
importScripts("sha256.js");

var encoder = new TextEncoder();

// The 32-bit words of a hex SHA-256 digest, to compare without formatting every attempt.
function words(hex) {
  var out = new Int32Array(8);
  for (var i = 0; i < 8; i += 1) {
    out[i] = parseInt(hex.substr(i * 8, 8), 16) | 0;
  }
  return out;
}

// ALTCHA v1: the n in 0..maxnumber with SHA-256(salt + n) == challenge, or -1.
function solve(challenge) {
  var digest = self.reportdeskSha256.prefixed(encoder.encode(challenge.salt));
  var target = words(challenge.challenge);
  var max = challenge.maxnumber || challenge.maxNumber || 1000000;
  var digits = new Uint8Array(16);
  var length = 1;
  var tenPower = 10;
  for (var n = 0; n <= max; n += 1) {
    if (n === tenPower) {
      length += 1;
      tenPower *= 10;
    }
    // The decimal digits of n, as ASCII bytes.
    for (var i = length - 1, rest = n; i >= 0; i -= 1, rest = Math.floor(rest / 10)) {
      digits[i] = 48 + (rest % 10);
    }
    var hash = digest(digits, length);
    if (
      hash[0] === target[0] && hash[1] === target[1] && hash[2] === target[2] &&
      hash[3] === target[3] && hash[4] === target[4] && hash[5] === target[5] &&
      hash[6] === target[6] && hash[7] === target[7]
    ) {
      return n;
    }
  }
  return -1;
}

self.onmessage = function (event) {
  var id = event.data.id;
  var challenge = event.data.challenge;
  var started = Date.now();
  if (!/^SHA-256$/i.test(challenge.algorithm || "SHA-256") || !/^[0-9a-f]{64}$/.test(challenge.challenge)) {
    self.postMessage({ id: id, error: "unsupported challenge" });
    return;
  }
  var number = solve(challenge);
  self.postMessage(
    number < 0 ? { id: id, error: "no solution" } : { id: id, number: number, took: Date.now() - started }
  );
};
