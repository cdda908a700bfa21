// One report: the message, details, contact wishes, thread, reply, status, export, delete and
// who opened it when. Every text a child wrote goes in with textContent, made visible first.
(function () {
  "use strict";

  var inbox = window.ReportDeskInbox;
  if (!inbox || !inbox.api) {
    return;
  }
  var t = inbox.t;
  var current = null;
  var SHOWN_ELSEWHERE = ["schema", "report_id", "submission_id", "reference", "message", "contact"];

  function byId(id) {
    return document.getElementById(id);
  }

  function valueText(value) {
    if (value === true) {
      return t("yes");
    }
    if (value === false) {
      return t("no");
    }
    if (Array.isArray(value)) {
      return value.join(", ");
    }
    return String(value);
  }

  function pairs(list, object, skip) {
    list.textContent = "";
    Object.keys(object || {}).forEach(function (key) {
      var value = object[key];
      if (skip.indexOf(key) >= 0 || value === null || value === "" || typeof value === "object") {
        return;
      }
      var label = t("field." + key) === "field." + key ? key : t("field." + key);
      if (key === "received_at") {
        value = inbox.localTime(value);
      } else if (key === "triage") {
        value = t("triage." + value);
      }
      var node = inbox.clone("inbox-pair-template");
      inbox.fill(node, "label", label);
      inbox.fill(node, "value", inbox.visible(valueText(value)));
      list.appendChild(node);
    });
  }

  // A closed report's deletion day, and the button to postpone it once.
  function expiry(state, postponeDays) {
    var closed = state.status === "handled" && !!state.expires_on;
    byId("inbox-expiry").hidden = !closed;
    var day = byId("inbox-expires-on");
    day.textContent = closed ? localDate(state.expires_on) : "";
    day.setAttribute("datetime", closed ? state.expires_on : "");
    byId("inbox-postponed").hidden = !closed || !state.postponed;
    var button = byId("inbox-postpone");
    button.hidden = !closed || state.postponed || !postponeDays;
    button.textContent = t("report.postpone_button").replace("{days}", String(postponeDays));
  }

  function localDate(day) {
    var moment = new Date(day + "T12:00:00Z");
    if (isNaN(moment.getTime())) {
      return String(day);
    }
    return moment.toLocaleDateString(inbox.data.language + "-BE", {
      dateStyle: "long",
      timeZone: "Europe/Brussels",
    });
  }

  function render(opened) {
    current = opened.reference;
    var report = opened.report;
    byId("inbox-report-reference").textContent = opened.reference;
    byId("inbox-report-status").textContent = t("status." + opened.case.status);
    byId("inbox-status").value = opened.case.status === "new" ? "read" : opened.case.status;
    byId("inbox-report-message").textContent = inbox.visible(report.message || "");
    expiry(opened.case, opened.postpone_days);
    pairs(byId("inbox-report-details"), report, SHOWN_ELSEWHERE);
    pairs(byId("inbox-report-contact"), report.contact, []);

    var thread = byId("inbox-thread");
    thread.textContent = "";
    opened.thread.forEach(function (entry) {
      var node = inbox.clone("inbox-thread-template");
      inbox.fill(node, "who", t(entry.kind === "reply" ? "report.reply_sent" : "report.from_child"));
      var time = node.querySelector('[data-field="at"]');
      time.textContent = inbox.localTime(entry.at);
      time.setAttribute("datetime", entry.at);
      inbox.fill(node, "text", inbox.visible(entry.text));
      node.classList.add("inbox__entry--" + entry.kind);
      thread.appendChild(node);
    });
    byId("inbox-thread-empty").hidden = opened.thread.length > 0;

    var access = byId("inbox-access");
    access.textContent = "";
    opened.access.forEach(function (entry) {
      var node = inbox.clone("inbox-access-template");
      var time = node.querySelector('[data-field="at"]');
      time.textContent = inbox.localTime(entry.at);
      time.setAttribute("datetime", entry.at);
      inbox.fill(node, "who", entry.via === "retention" ? t("actor.retention") : entry.who);
      var action = t("action." + entry.action);
      if (entry.action === "status" && entry.detail) {
        action += ": " + t("status." + entry.detail);
      }
      inbox.fill(node, "action", action);
      access.appendChild(node);
    });
    byId("inbox-reply").value = "";
    byId("inbox-delete-confirm").value = "";
  }

  function open(reference, message) {
    inbox.fail(null);
    inbox.say(t("loading"));
    return inbox.api.open(reference).then(function (answer) {
      inbox.say(message || "");
      if (answer.status !== 200) {
        inbox.fail(inbox.problem(answer));
        return;
      }
      render(answer.body);
      if (!message) {
        inbox.show("inbox-report");
      }
    }, function () {});
  }

  function handled(answer, doneKey) {
    if (answer.status >= 200 && answer.status < 300) {
      return open(current, t(doneKey));
    }
    inbox.fail(inbox.problem(answer));
  }

  byId("inbox-back").addEventListener("click", function () {
    current = null;
    inbox.list.load();
  });

  byId("inbox-reply-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var text = byId("inbox-reply").value.trim();
    if (!text) {
      inbox.fail(t("error.reply_empty"));
      byId("inbox-reply").focus();
      return;
    }
    inbox.api.reply(current, text).then(function (answer) {
      handled(answer, "report.reply_done");
    }, function () {});
  });

  byId("inbox-status-form").addEventListener("submit", function (event) {
    event.preventDefault();
    inbox.api.status(current, byId("inbox-status").value).then(function (answer) {
      handled(answer, "report.status_done");
    }, function () {});
  });

  byId("inbox-postpone").addEventListener("click", function () {
    inbox.api.postpone(current).then(function (answer) {
      handled(answer, "report.postpone_done");
    }, function () {});
  });

  byId("inbox-export").addEventListener("click", function () {
    inbox.api.exportText(current).then(function (answer) {
      if (answer.status !== 200) {
        inbox.fail(inbox.problem(answer));
        return;
      }
      // A download from memory: the text goes to the person's disk, nowhere else.
      var url = URL.createObjectURL(new Blob([answer.body], { type: "text/plain;charset=utf-8" }));
      var link = document.createElement("a");
      link.href = url;
      link.download = "report-" + current + ".txt";
      document.body.appendChild(link);
      link.click();
      link.remove();
      window.setTimeout(function () {
        URL.revokeObjectURL(url);
      }, 1000);
      open(current, t("report.export_done"));
    }, function () {});
  });

  byId("inbox-delete-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var typed = byId("inbox-delete-confirm").value.trim();
    var compact = function (text) {
      return text.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0");
    };
    if (!typed || compact(typed) !== compact(current)) {
      inbox.fail(t("error.confirm"));
      byId("inbox-delete-confirm").focus();
      return;
    }
    inbox.api.remove(current, typed).then(function (answer) {
      if (answer.status !== 204) {
        inbox.fail(inbox.problem(answer));
        return;
      }
      current = null;
      inbox.list.load().then(function () {
        inbox.say(t("report.deleted"));
      });
    }, function () {});
  });

  inbox.report = {
    open: open,
    forget: function () {
      current = null;
      ["inbox-report-message", "inbox-report-details", "inbox-report-contact", "inbox-thread",
        "inbox-access", "inbox-rows"].forEach(function (id) {
        byId(id).textContent = "";
      });
      byId("inbox-reply").value = "";
    },
  };
})();
