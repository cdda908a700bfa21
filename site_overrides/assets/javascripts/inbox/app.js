// The inbox's start: the sign-in steps lead to the list; the end of a session clears the page.
(function () {
  "use strict";

  var inbox = window.ReportDeskInbox;
  if (!inbox || !inbox.session || !inbox.list || !inbox.report) {
    return;
  }
  var t = inbox.t;
  var bar = document.getElementById("inbox-bar");

  function byId(id) {
    return document.getElementById(id);
  }

  function required(input) {
    if (input.value.trim()) {
      return true;
    }
    inbox.fail(t("error.required"));
    input.focus();
    return false;
  }

  function signedIn() {
    byId("inbox-who").textContent = inbox.session.email();
    bar.hidden = false;
    byId("inbox-password").value = "";
    inbox.list.load();
  }

  // Where an answer of a sign-in step leads.
  function follow(result) {
    if (result.problem) {
      inbox.fail(result.problem);
      return;
    }
    inbox.fail(null);
    if (result.signedIn) {
      signedIn();
    } else if (result.step === "SOFTWARE_TOKEN_MFA") {
      byId("inbox-totp-code").value = "";
      inbox.show("inbox-totp");
    } else if (result.step === "NEW_PASSWORD_REQUIRED") {
      document.querySelector(".inbox__hidden-user").value = byId("inbox-email").value;
      inbox.show("inbox-newpassword");
    } else if (result.step === "MFA_SETUP") {
      inbox.session.setUp().then(function (setup) {
        if (setup.problem) {
          inbox.fail(setup.problem);
          return;
        }
        byId("inbox-setup-key").textContent = setup.secret;
        inbox.show("inbox-setup");
      });
    }
  }

  function failed() {
    inbox.fail(t("error.unavailable"));
  }

  function startOver(reasonKey) {
    inbox.report.forget();
    bar.hidden = true;
    byId("inbox-who").textContent = "";
    inbox.show("inbox-signin");
    inbox.say(t(reasonKey));
  }

  byId("inbox-signin-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var email = byId("inbox-email");
    var password = byId("inbox-password");
    if (required(email) && required(password)) {
      inbox.session.start(email.value.trim(), password.value).then(follow, failed);
    }
  });

  byId("inbox-totp-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = byId("inbox-totp-code");
    if (required(code)) {
      inbox.session.totp(code.value.replace(/\s/g, "")).then(function (result) {
        if (result.problem && result.problem === t("error.session_expired")) {
          inbox.show("inbox-signin");
        }
        follow(result);
      }, failed);
    }
  });

  byId("inbox-newpassword-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var password = byId("inbox-new-password");
    if (required(password)) {
      inbox.session.newPassword(password.value).then(function (result) {
        password.value = "";
        follow(result);
      }, failed);
    }
  });

  byId("inbox-setup-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = byId("inbox-setup-code");
    if (required(code)) {
      inbox.session.verify(code.value.replace(/\s/g, "")).then(function (result) {
        byId("inbox-setup-key").textContent = "";
        follow(result);
      }, failed);
    }
  });

  byId("inbox-sign-out").addEventListener("click", function () {
    inbox.session.signOut();
  });

  inbox.session.onEnd(startOver);
  inbox.show("inbox-signin");
})();
