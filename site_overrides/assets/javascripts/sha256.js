// SHA-256 (FIPS 180-4) in plain synchronous JavaScript, for the proof-of-work worker: Web Crypto's
// digest is a promise per hash, far too slow for thousands of small hashes. A classic script (the
// worker loads it with importScripts); tested against Python's hashlib in
// tests/browser/test_browser_proof_of_work.py.
(function (scope) {
  "use strict";

  var K = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);
  var INITIAL = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ];
  var W = new Int32Array(64);

  // Mixes the 64-byte block of `bytes` at `offset` into `state` (eight 32-bit words).
  function compress(state, bytes, offset) {
    var i, j, x, y;
    for (i = 0; i < 16; i += 1) {
      j = offset + i * 4;
      W[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
    }
    for (i = 16; i < 64; i += 1) {
      x = W[i - 15];
      y = W[i - 2];
      W[i] =
        (W[i - 16] +
          (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) +
          W[i - 7] +
          (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) |
        0;
    }
    var a = state[0], b = state[1], c = state[2], d = state[3];
    var e = state[4], f = state[5], g = state[6], h = state[7];
    for (i = 0; i < 64; i += 1) {
      x =
        (h +
          (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
          ((e & f) ^ (~e & g)) +
          K[i] +
          W[i]) |
        0;
      y = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
        ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + x) | 0;
      d = c;
      c = b;
      b = a;
      a = (x + y) | 0;
    }
    state[0] = (state[0] + a) | 0;
    state[1] = (state[1] + b) | 0;
    state[2] = (state[2] + c) | 0;
    state[3] = (state[3] + d) | 0;
    state[4] = (state[4] + e) | 0;
    state[5] = (state[5] + f) | 0;
    state[6] = (state[6] + g) | 0;
    state[7] = (state[7] + h) | 0;
  }

  // A hasher that has taken in `prefix` once: digest(suffix, count) is SHA-256 of `prefix` and the
  // first `count` bytes of `suffix` (at most 55), as eight 32-bit words; only the last block or
  // two are hashed again for each suffix. The words returned are overwritten by the next call.
  function prefixed(prefix) {
    var state = new Int32Array(INITIAL);
    var full = prefix.length - (prefix.length % 64);
    for (var offset = 0; offset < full; offset += 64) {
      compress(state, prefix, offset);
    }
    var rest = prefix.length - full;
    var block = new Uint8Array(128);
    block.set(prefix.subarray(full), 0);
    var words = new Int32Array(8);
    return function digest(suffix, count) {
      if (count > 55) {
        throw new RangeError("suffix longer than 55 bytes");
      }
      var length = rest + count;
      var end = length + 9 > 64 ? 128 : 64;
      var i;
      for (i = 0; i < count; i += 1) {
        block[rest + i] = suffix[i];
      }
      block[length] = 0x80;
      for (i = length + 1; i < end - 4; i += 1) {
        block[i] = 0;
      }
      // The message length in bits, big-endian, in the last 8 bytes (the high 4 are zero here).
      var bits = (prefix.length + count) * 8;
      block[end - 4] = bits >>> 24;
      block[end - 3] = (bits >>> 16) & 0xff;
      block[end - 2] = (bits >>> 8) & 0xff;
      block[end - 1] = bits & 0xff;
      words.set(state);
      compress(words, block, 0);
      if (end === 128) {
        compress(words, block, 64);
      }
      return words;
    };
  }

  // The lowercase hex SHA-256 of `bytes` (a Uint8Array).
  function hex(bytes) {
    var words = prefixed(bytes)(bytes, 0);
    var out = "";
    for (var i = 0; i < 8; i += 1) {
      out += (words[i] >>> 0).toString(16).padStart(8, "0");
    }
    return out;
  }

  scope.reportdeskSha256 = { prefixed: prefixed, hex: hex };
})(self);
