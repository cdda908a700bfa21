// The web inbox's shared parts: its texts, which view shows, notices and errors, and how a child's
// text is shown: only ever as textContent, with invisible characters made visible.
(function () {
  "use strict";

  var dataElement = document.getElementById("inbox-data");
  if (!dataElement || !window.fetch || !window.Promise) {
    return;
  }
  var data = JSON.parse(dataElement.textContent);
  var errors = document.getElementById("inbox-errors");
  var errorText = document.getElementById("inbox-error-text");
  var notice = document.getElementById("inbox-notice");
  // Bidi controls, zero-width and other format characters (Cf), line and paragraph separators
  // (Zl, Zp) and control characters can hide or reorder what a text seems to say.
  var INVISIBLE = /[\p{Cf}\p{Zl}\p{Zp}\p{Cc}]/gu;

  function t(key) {
    return Object.prototype.hasOwnProperty.call(data.texts, key) ? data.texts[key] : key;
  }

  function visible(text) {
    return String(text).replace(INVISIBLE, function (character) {
      if (character === "\n" || character === "\t") {
        return character;
      }
      var code = character.codePointAt(0).toString(16).toUpperCase();
      return "\u27e6U+" + ("0000" + code).slice(-Math.max(4, code.length)) + "\u27e7";
    });
  }

  function clone(templateId) {
    return document.getElementById(templateId).content.firstElementChild.cloneNode(true);
  }

  function fill(node, field, text) {
    node.querySelector('[data-field="' + field + '"]').textContent = text;
    return node;
  }

  function show(viewId) {
    Array.prototype.forEach.call(document.querySelectorAll(".inbox__view"), function (view) {
      view.hidden = view.id !== viewId;
    });
    var heading = document.querySelector("#" + viewId + " h2");
    if (heading) {
      heading.focus();
    }
  }

  function say(text) {
    notice.textContent = text || "";
  }

  function fail(text) {
    if (!text) {
      errors.hidden = true;
      errorText.textContent = "";
      return;
    }
    errorText.textContent = text;
    errors.hidden = false;
    errors.focus();
  }

  // An API answer's error code in the person's words.
  function problem(answer) {
    var code = answer && answer.body && answer.body.error;
    if (answer && answer.status === 403) {
      code = "forbidden";
    }
    var key = "error." + (code || "unavailable");
    return Object.prototype.hasOwnProperty.call(data.texts, key) ? t(key) : t("error.unavailable");
  }

  function localTime(iso) {
    var moment = new Date(iso);
    if (isNaN(moment.getTime())) {
      return String(iso);
    }
    return moment.toLocaleString(data.language + "-BE", {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: "Europe/Brussels",
    });
  }

  window.ReportDeskInbox = {
    data: data,
    t: t,
    visible: visible,
    clone: clone,
    fill: fill,
    show: show,
    say: say,
    fail: fail,
    problem: problem,
    localTime: localTime,
  };
})();
