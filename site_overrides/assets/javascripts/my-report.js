// "My report": read the API persons' answers with the private code and write back, on this page.
// The code lives only in this closure: it is taken out of the input, never stored (no storage,
// no cookies, no URL) and forgotten when the page closes. Without this script the forms still post
// and the follow-up API answers with pages.
(function () {
  "use strict";

  var form = document.querySelector('form[data-module="my-report"]');
  var dataElement = document.getElementById("my-report-data");
  var thread = document.getElementById("my-report-thread");
  if (!form || !dataElement || !thread || !window.fetch || !window.Promise || !window.JSON) {
    return;
  }

  var data = JSON.parse(dataElement.textContent);
  var input = document.getElementById("code");
  var codeError = document.getElementById("code-error");
  var codeGroup = document.getElementById("code-group");
  var button = form.querySelector('button[type="submit"]');
  var status = form.querySelector(".report-form__status");
  var code = null;
  var busy = false;

  function t(key) {
    return data.texts[key] || "";
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return null;
        })
        .then(function (json) {
          return { status: response.status, body: json };
        });
    });
  }

  function errorText(answer, fallbackKey) {
    var errors = answer.body && answer.body.errors;
    return errors && errors.length && errors[0].message ? errors[0].message : t(fallbackKey);
  }

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

  // --- where the report stands --------------------------------------------------------------

  // "maandag 30 november 2026": the Belgian day, in the page's words (the same texts as the page
  // the follow-up function answers without JavaScript).
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

  function statusSection(steps) {
    var section = document.getElementById("my-report-status").content.firstElementChild.cloneNode(true);
    var list = section.querySelector(".followup__steps");
    var prototype = list.firstElementChild;
    list.removeChild(prototype);
    steps.forEach(function (step, index) {
      var item = prototype.cloneNode(false);
      item.textContent = t("followup.status." + step.status).replace("{date}", dayInWords(step.at));
      if (index === steps.length - 1) {
        item.setAttribute("aria-current", "step");
      }
      list.appendChild(item);
    });
    return section;
  }

  // --- reading -------------------------------------------------------------------------------

  function showCodeError(text) {
    codeError.textContent = text;
    codeError.hidden = !text;
    codeGroup.classList.toggle("report-form__group--error", Boolean(text));
    if (text) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", "code-hint code-error");
      input.focus();
    } else {
      input.removeAttribute("aria-invalid");
      input.setAttribute("aria-describedby", "code-hint");
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
    thread.appendChild(statusSection(body.status_history || []));
    thread.appendChild(repliesSection(body.replies || []));
    thread.appendChild(messagesSection(body.messages || []));
    thread.appendChild(messageForm());
    thread.appendChild(element("p", "", t("followup.close.text")));
    thread.hidden = false;
    form.hidden = true;
    heading.focus();
  }

  function read(notice) {
    return post(data.read_url, { code: code, language: data.language }).then(function (answer) {
      if (answer.status === 200 && answer.body && answer.body.reference) {
        showThread(answer.body, notice);
        return true;
      }
      code = null;
      thread.hidden = true;
      form.hidden = false;
      showCodeError(errorText(answer, answer.status === 404 ? "followup.error.not_found" : "followup.error.unavailable"));
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
    button.setAttribute("aria-disabled", "true");
    status.textContent = t("followup.form.reading");
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
        button.removeAttribute("aria-disabled");
        status.textContent = "";
      });
  });

  // --- writing back --------------------------------------------------------------------------

  function messageForm() {
    var reply = element("form", "report-form my-report__write");
    reply.noValidate = true;
    var group = element("div", "report-form__group");
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
      error.textContent = text;
      error.hidden = !text;
      group.classList.toggle("report-form__group--error", Boolean(text));
      textarea.setAttribute("aria-describedby", text ? "message-hint message-error" : "message-hint");
      if (text) {
        textarea.setAttribute("aria-invalid", "true");
        textarea.focus();
      } else {
        textarea.removeAttribute("aria-invalid");
      }
    }

    reply.addEventListener("submit", function (event) {
      event.preventDefault();
      if (busy) {
        return;
      }
      var message = textarea.value.trim();
      var length = Array.from(message).length;
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
      send.setAttribute("aria-disabled", "true");
      sending.textContent = t("followup.message.sending");
      post(data.messages_url, { code: code, language: data.language, message: message })
        .then(
          function (answer) {
            busy = false;
            if (answer.status === 201) {
              return read(t("followup.sent.title") + ". " + t("followup.sent.text"));
            }
            showError(errorText(answer, "followup.error.unavailable"));
          },
          function () {
            busy = false;
            showError(t("followup.error.network"));
          }
        )
        .then(function () {
          send.removeAttribute("aria-disabled");
          sending.textContent = "";
        });
    });
    return reply;
  }
})();
