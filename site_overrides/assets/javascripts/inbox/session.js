// The sign-in and the session. Every call goes to this site's /api/inbox/auth/*, which passes it
// on to Cognito. The tokens live in this closure only: never in storage, a cookie or a URL, and a
// reload signs out. The session ends after 15 minutes without activity, after 8 hours in all, and
// at once on "Sign out" (Cognito's GlobalSignOut; the tokens are dropped here).
// An ES module like shared.js; the other inbox scripts find the session on the page's inbox
// object (core.js), as `inbox.session`.
import { postJson } from "../shared.js";

var inbox = window.ReportDeskInbox;
if (inbox) {
  inbox.session = session(inbox);
}

function session(inbox) {
  var IDLE_MS = 15 * 60 * 1000;
  var MAX_MS = 8 * 60 * 60 * 1000;
  var REFRESH_MARGIN_MS = 60 * 1000;
  var tokens = null;
  var username = null;
  var challenge = null;
  var startedAt = 0;
  var lastActivity = 0;
  var expiresAt = 0;
  var timer = null;
  var endListeners = [];

  // Tokens go in bodies only: no cookie or HTTP authentication, even to this origin.
  function post(step, body) {
    return postJson(inbox.data.auth_url + "/" + step, body, "omit");
  }

  function email() {
    try {
      var part = tokens.id_token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(decodeURIComponent(escape(atob(part)))).email || username;
    } catch (error) {
      return username;
    }
  }

  function keep(newTokens) {
    var refresh = tokens && tokens.refresh_token;
    tokens = newTokens;
    if (!tokens.refresh_token) {
      tokens.refresh_token = refresh;
    }
    // Never longer than Cognito says, and never longer than 15 minutes.
    var seconds = Math.min(Number(tokens.expires_in) || 900, 900);
    expiresAt = Date.now() + seconds * 1000;
  }

  // What an answer means for the sign-in: signed in, another step, or a problem.
  function next(answer) {
    if (answer.status === 200 && answer.body && answer.body.tokens) {
      keep(answer.body.tokens);
      startedAt = lastActivity = Date.now();
      challenge = null;
      timer = window.setInterval(check, 15 * 1000);
      return { signedIn: true };
    }
    if (answer.status === 200 && answer.body && answer.body.step) {
      challenge = answer.body.session;
      return { step: answer.body.step };
    }
    return { problem: inbox.problem(answer) };
  }

  function start(name, password) {
    username = name;
    return post("start", { username: name, password: password }).then(next);
  }

  function totp(code) {
    return post("totp", { username: username, session: challenge, code: code }).then(next);
  }

  function newPassword(password) {
    return post("new-password", {
      username: username,
      session: challenge,
      new_password: password,
    }).then(next);
  }

  function setUp() {
    return post("mfa-setup", { session: challenge }).then(function (answer) {
      if (answer.status === 200 && answer.body && answer.body.secret) {
        challenge = answer.body.session;
        return { secret: answer.body.secret };
      }
      return { problem: inbox.problem(answer) };
    });
  }

  function verify(code) {
    return post("mfa-verify", { username: username, session: challenge, code: code }).then(next);
  }

  function end(reasonKey) {
    var ending = tokens;
    tokens = null;
    challenge = null;
    username = null;
    if (timer) {
      window.clearInterval(timer);
      timer = null;
    }
    if (ending && ending.refresh_token) {
      post("sign-out", {
        access_token: ending.access_token,
        refresh_token: ending.refresh_token,
      }).catch(function () {});
    }
    if (ending) {
      endListeners.forEach(function (listener) {
        listener(reasonKey);
      });
    }
  }

  function check() {
    var now = Date.now();
    if (tokens && now - startedAt > MAX_MS) {
      end("session.max");
    } else if (tokens && now - lastActivity > IDLE_MS) {
      end("session.idle");
    }
  }

  // The ID token for the next API call, refreshed when it is about to expire.
  function token() {
    check();
    if (!tokens) {
      return Promise.reject(new Error("signed out"));
    }
    lastActivity = Date.now();
    if (expiresAt - Date.now() > REFRESH_MARGIN_MS) {
      return Promise.resolve(tokens.id_token);
    }
    return post("refresh", { refresh_token: tokens.refresh_token }).then(function (answer) {
      if (!tokens || answer.status !== 200 || !answer.body || !answer.body.tokens) {
        end("session.ended");
        throw new Error("signed out");
      }
      keep(answer.body.tokens);
      return tokens.id_token;
    });
  }

  ["keydown", "pointerdown"].forEach(function (name) {
    document.addEventListener(name, function () {
      if (tokens) {
        check();
        if (tokens) {
          lastActivity = Date.now();
        }
      }
    });
  });
  window.addEventListener("pagehide", function () {
    end("session.ended");
  });

  return {
    start: start,
    totp: totp,
    newPassword: newPassword,
    setUp: setUp,
    verify: verify,
    token: token,
    email: email,
    signOut: function () {
      end("session.ended");
    },
    onEnd: function (listener) {
      endListeners.push(listener);
    },
    signedIn: function () {
      return tokens !== null;
    },
  };
}
