// "My report": read the API persons' answers with the private code and write back, on this page.
// The code lives only in this module's closure: it is taken out of the input, never stored (no
// storage, no cookies, no URL) and forgotten when the page closes. Without this script the forms
// still post and the follow-up API answers with pages.
import { answerError, codePoints, element, fieldError, postJson, readData, setBusy, translator } from "./shared.js";

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

  // The reply's own line breaks, as text nodes and <br>: never parsed as HTML.
  function withLineBreaks(node, text) {
    text.split("\n").forEach(function (line, index) {
      if (index) {
        node.appendChild(document.createElement("br"));
      }
      node.appendChild(document.createTextNode(line));
    });
    return node;
  }

  function localDate(iso) {
    var moment = new Date(iso);
    if (isNaN(moment.getTime())) {
      return iso;
    }
    return moment.toLocaleString(data.language + "-BE", { dateStyle: "long", timeStyle: "short" });
  }

  // --- reading -------------------------------------------------------------------------------

  function showCodeError(text) {
    fieldError("code", text);
    if (text) {
      input.focus();
    }
  }

  function repliesSection(replies) {
    var section = element("section", "my-report__replies");
    section.appendChild(element("h2", "", t("followup.thread.replies_heading")));
    if (!replies.length) {
      section.appendChild(element("p", "", t("followup.thread.no_replies")));
      return section;
    }
    var list = element("ol", "followup__replies");
    replies.forEach(function (reply) {
      var item = element("li", "followup__reply");
      item.appendChild(element("p", "followup__date", localDate(reply.date)));
      item.appendChild(withLineBreaks(element("p", "followup__text"), reply.text));
      list.appendChild(item);
    });
    section.appendChild(list);
    return section;
  }

  function messagesSection(messages) {
    var section = element("section", "my-report__messages");
    section.appendChild(element("h2", "", t("followup.thread.messages_heading")));
    if (!messages.length) {
      section.appendChild(element("p", "", t("followup.thread.no_messages")));
      return section;
    }
    section.appendChild(element("p", "", t("followup.thread.messages_intro")));
    var list = element("ul", "followup__messages");
    messages.forEach(function (message) {
      list.appendChild(element("li", "", t("followup.thread.sent_on") + " " + localDate(message.date)));
    });
    section.appendChild(list);
    return section;
  }

  function showThread(body, notice) {
    thread.textContent = "";
    var heading = element("h2", "my-report__title", t("followup.thread.title") + " " + body.reference);
    heading.id = "my-report-title";
    heading.setAttribute("tabindex", "-1");
    thread.appendChild(heading);
    if (notice) {
      var sent = element("div", "report-form__success", notice);
      sent.setAttribute("role", "status");
      thread.appendChild(sent);
    }
    thread.appendChild(repliesSection(body.replies || []));
    thread.appendChild(messagesSection(body.messages || []));
    thread.appendChild(messageForm());
    thread.appendChild(element("p", "", t("followup.close.text")));
    thread.hidden = false;
    form.hidden = true;
    heading.focus();
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
    var reply = element("form", "report-form my-report__write");
    reply.noValidate = true;
    var group = element("div", "report-form__group");
    group.id = "message-group";
    var label = element("label", "report-form__label", t("followup.message.label"));
    label.htmlFor = "message";
    var hint = element("p", "report-form__hint", t("followup.message.hint"));
    hint.id = "message-hint";
    var error = element("p", "report-form__error-message");
    error.id = "message-error";
    error.hidden = true;
    var textarea = element("textarea", "report-form__textarea");
    textarea.id = "message";
    textarea.name = "message";
    textarea.rows = 6;
    textarea.setAttribute("aria-describedby", "message-hint");
    var send = element("button", "report-form__button md-button md-button--primary", t("followup.message.button"));
    send.type = "submit";
    var sending = element("p", "report-form__status");
    sending.setAttribute("role", "status");
    group.appendChild(label);
    group.appendChild(hint);
    group.appendChild(error);
    group.appendChild(textarea);
    reply.appendChild(group);
    reply.appendChild(send);
    reply.appendChild(sending);

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
