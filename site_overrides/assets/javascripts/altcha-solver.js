// Solves the report API's ALTCHA proof-of-work challenge with Web Crypto, in small asynchronous
// steps so typing never stalls. No widget, no CDN: the payload goes into the report's `altcha` field.
// Digests started at once: enough to keep Web Crypto busy, few enough to keep the page responsive.
var BATCH = 32;
var encoder = new TextEncoder();

function hex(buffer) {
  var bytes = new Uint8Array(buffer);
  var out = "";
  for (var i = 0; i < bytes.length; i += 1) {
    out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
  }
  return out;
}

function fromHex(text) {
  var bytes = new Uint8Array(text.length / 2);
  for (var i = 0; i < bytes.length; i += 1) {
    bytes[i] = parseInt(text.substr(i * 2, 2), 16);
  }
  return bytes;
}

function concat(a, b) {
  var out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function shaName(algorithm) {
  var match = /SHA-(256|384|512)$/i.exec(algorithm);
  return match ? "SHA-" + match[1] : "SHA-256";
}

// Runs attempt(n) for n = 0, 1, 2, ... in batches until one returns a value.
function search(attempt, max) {
  var next = 0;
  function batch() {
    if (next > max) {
      return Promise.reject(new Error("no solution"));
    }
    var tries = [];
    for (var i = 0; i < BATCH && next <= max; i += 1, next += 1) {
      tries.push(attempt(next));
    }
    return Promise.all(tries).then(function (results) {
      for (var j = 0; j < results.length; j += 1) {
        if (results[j] !== null) {
          return results[j];
        }
      }
      return batch();
    });
  }
  return batch();
}

// ALTCHA v1: find n with SHA(salt + n) == challenge.
function solveV1(challenge) {
  var started = Date.now();
  var algorithm = challenge.algorithm || "SHA-256";
  return search(function (n) {
    return crypto.subtle
      .digest(shaName(algorithm), encoder.encode(challenge.salt + n))
      .then(function (digest) {
        return hex(digest) === challenge.challenge ? n : null;
      });
  }, challenge.maxnumber || challenge.maxNumber || 1000000).then(function (number) {
    return btoa(
      JSON.stringify({
        algorithm: algorithm,
        challenge: challenge.challenge,
        number: number,
        salt: challenge.salt,
        signature: challenge.signature,
        took: Date.now() - started,
      })
    );
  });
}

// ALTCHA v2: find a counter whose derived key (from nonce + uint32 counter) starts with keyPrefix.
function deriveV2(parameters, password) {
  var salt = fromHex(parameters.salt);
  var length = parameters.keyLength || 32;
  var cost = Math.max(1, parameters.cost || 1);
  if (/^PBKDF2/i.test(parameters.algorithm)) {
    return crypto.subtle
      .importKey("raw", password, "PBKDF2", false, ["deriveBits"])
      .then(function (key) {
        return crypto.subtle.deriveBits(
          { name: "PBKDF2", salt: salt, iterations: cost, hash: shaName(parameters.algorithm) },
          key,
          length * 8
        );
      });
  }
  if (!/^SHA-(256|384|512)$/i.test(parameters.algorithm)) {
    return Promise.reject(new Error("unsupported algorithm"));
  }
  var round = 0;
  function iterate(data) {
    return crypto.subtle.digest(shaName(parameters.algorithm), data).then(function (digest) {
      round += 1;
      return round < cost ? iterate(new Uint8Array(digest)) : digest.slice(0, length);
    });
  }
  return iterate(concat(salt, password));
}

function solveV2(challenge) {
  var started = Date.now();
  var parameters = challenge.parameters;
  var nonce = fromHex(parameters.nonce);
  var prefix = (parameters.keyPrefix || "00").toLowerCase();
  return search(function (counter) {
    var suffix = new Uint8Array(4);
    new DataView(suffix.buffer).setUint32(0, counter, false);
    return deriveV2(parameters, concat(nonce, suffix)).then(function (key) {
      var derived = hex(key);
      return derived.indexOf(prefix) === 0 ? { counter: counter, derivedKey: derived } : null;
    });
  }, 0xffffffff).then(function (solution) {
    solution.time = Date.now() - started;
    return btoa(JSON.stringify({ challenge: challenge, solution: solution }));
  });
}

// Resolves with the base64 payload for the `altcha` field; rejects when it cannot solve.
export function solve(challenge) {
  if (!window.crypto || !crypto.subtle || !challenge) {
    return Promise.reject(new Error("no Web Crypto"));
  }
  return challenge.parameters ? solveV2(challenge) : solveV1(challenge);
}
