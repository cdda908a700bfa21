// "My report": read the API persons' answers with the private code and write back, on this page.
// The code lives only in this module's closure: it is taken out of the input, never stored (no
// storage, no cookies, no URL) and forgotten when the page closes. Without this script the forms
// still post and the follow-up API answers with pages.
import {
  answerError,
  codePoints,
  fieldError,
  fromTemplate,
  postJson,
  readData,
  setBusy,
  translator,
} from "./shared.js";

var form = document.querySelector('form[data-module="my-report"]');
var data = readData("my-report");
var thread = document.getElementById("my-report-thread");
if (form && data && thread && window.fetch) {
  enhance(form, data, thread);
}

function enhance(form, data, thread) {
  var t = translator(data);
  var input = document.getElementById("code");
  var button = form.querySelector('button[type="submit"]');
  var status = form.querySelector(".report-form__status");
  var code = null;
  var busy = false;

  function localDate(iso) {
    var moment = new Date(iso);
    if (isNaN(moment.getTime())) {
      return iso;
    }
    return moment.toLocaleString(data.language + "-BE", { dateStyle: "long", timeStyle: "short" });
  }

  // "maandag 30 november 2026": the Belgian day in the page's words, from the same texts as the
  // page the follow-up function answers without JavaScript (followup/page.py, day_in_words).
  function dayInWords(iso) {
    var moment = new Date(iso);
    if (isNaN(moment.getTime()) || !window.Intl) {
      return iso;
    }
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/Brussels",
      weekday: "short",
      day: "numeric",
      month: "numeric",
      year: "numeric",
    })
      .formatToParts(moment)
      .forEach(function (part) {
        parts[part.type] = part.value;
      });
    var weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday);
    return t("followup.date.pattern")
      .replace("{weekday}", t("followup.date.weekdays").split(" ")[weekday])
      .replace("{day}", String(Number(parts.day)))
      .replace("{month}", t("followup.date.months").split(" ")[Number(parts.month) - 1])
      .replace("{year}", parts.year);
  }

  // Where the report stands: one sentence per step of `status_history`, the last one is now.
  function statusSteps(history) {
    return history.map(function (step) {
      return { step: t("followup.status." + step.status).replace("{date}", dayInWords(step.at)) };
    });
  }

  // --- reading -------------------------------------------------------------------------------

  function showCodeError(text) {
    fieldError("code", text);
    if (text) {
      input.focus();
    }
  }

  // The follow-up API's own thread answer (followup/templates/thread.html) and form to write
  // back (write.html), held by the page as templates.
  function showThread(body, notice) {
    var replies = body.replies || [];
    var messages = body.messages || [];
    thread.textContent = "";
    thread.appendChild(
      fromTemplate("my-report-thread", {
        title: t("followup.thread.title") + " " + body.reference,
        notice: notice || "",
        steps: statusSteps(body.status_history || []),
        replies: replies.map(function (reply) {
          return { date: localDate(reply.date), text: reply.text };
        }),
        no_replies: !replies.length,
        messages: messages.map(function (message) {
          return { date: localDate(message.date) };
        }),
        no_messages: !messages.length,
      })
    );
    thread.appendChild(messageForm());
    thread.hidden = false;
    form.hidden = true;
    document.getElementById("my-report-title").focus();
  }

  function read(notice) {
    return postJson(data.read_url, { code: code, language: data.language }).then(function (answer) {
      if (answer.status === 200 && answer.body && answer.body.reference) {
        showThread(answer.body, notice);
        return true;
      }
      code = null;
      thread.hidden = true;
      form.hidden = false;
      showCodeError(answerError(answer, t, answer.status === 404 ? "followup.error.not_found" : "followup.error.unavailable"));
      return false;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) {
      return;
    }
    var typed = input.value.trim();
    if (!typed) {
      showCodeError(t("followup.error.code_required"));
      return;
    }
    showCodeError("");
    code = typed;
    // Out of the page as soon as it is in memory: nothing left in the form to restore or autofill.
    input.value = "";
    busy = true;
    setBusy(button, status, t("followup.form.reading"));
    read(null)
      .catch(function () {
        code = null;
        showCodeError(t("followup.error.network"));
        return false;
      })
      .then(function (found) {
        if (!found) {
          // Back in the field, so a typing mistake can be fixed without typing it all again.
          input.value = typed;
        }
        busy = false;
        setBusy(button, status, "");
      });
  });

  // --- writing back --------------------------------------------------------------------------

  function messageForm() {
    // The code stays in this closure, not in the form: the script sends it itself.
    var reply = fromTemplate("my-report-write", { code: "", message: "", describedby: "message-hint" });
    reply.querySelector("#message-error").hidden = true;
    var textarea = reply.querySelector("#message");
    var send = reply.querySelector('button[type="submit"]');
    var sending = reply.querySelector(".report-form__status");

    function showError(text) {
      fieldError("message", text);
      if (text) {
        textarea.focus();
      }
    }

    reply.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) {
        return;
      }
      var message = textarea.value.trim();
      var length = codePoints(message);
      if (!message) {
        showError(t("followup.error.message.required"));
        return;
      }
      if (length < data.rules.message_min) {
        showError(t("followup.error.message.too_short"));
        return;
      }
      if (length > data.rules.message_max) {
        showError(t("followup.error.message.too_long"));
        return;
      }
      showError("");
      busy = true;
      setBusy(send, sending, t("followup.message.sending"));
      postJson(data.messages_url, { code: code, language: data.language, message: message })
        .then(
          function (answer) {
            busy = false;
            if (answer.status === 201) {
              return read(t("followup.sent.title") + ". " + t("followup.sent.text"));
            }
            showError(answerError(answer, t, "followup.error.unavailable"));
          },
          function () {
            busy = false;
            showError(t("followup.error.network"));
          }
        )
        .then(function () {
          setBusy(send, sending, "");
        });
    });
    return reply;
  }
}
