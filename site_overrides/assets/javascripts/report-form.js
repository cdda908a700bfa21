// The report form, enhanced after the GOV.UK Design System: contact fields only when wanted, checks
// before sending with the report API's own rules and messages, the error summary, a proof of work
// solved in the background, and a retry that reuses the submission id so nothing is stored twice.
// Without this script the form still posts and the report API answers with a page.
(function () {
  "use strict";

  var form = document.querySelector('form[data-module="report-form"]');
  var dataElement = document.getElementById("report-form-data");
  if (!form || !dataElement || !window.fetch || !window.Promise || !window.JSON) {
    return;
  }

  var data = JSON.parse(dataElement.textContent);
  var rules = data.rules;
  // Fields in the order of the form: the error summary lists them in this order.
  var FIELDS = [
    "message",
    "when",
    "organisation",
    "age_group",
    "contact_wants_contact",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_safe_to_leave_message",
  ];
  // How long a send waits for the proof of work before it goes without it (as unverified).
  var ALTCHA_WAIT_MS = 10000;
  // Challenges expire after 10 minutes: solve a fresh one in time for a child who writes long.
  var ALTCHA_REFRESH_MS = 8 * 60 * 1000;

  var originalTitle = document.title;
  var submissionId = newSubmissionId();
  var button = form.querySelector('button[type="submit"]');
  var status = form.querySelector(".report-form__status");
  var details = document.getElementById("contact-details");
  var wantsContact = document.getElementById("contact_wants_contact-yes");
  var summary = null;
  var sending = false;
  var altcha = { payload: null, done: null };

  function t(key) {
    return data.texts[key] || "";
  }

  function newSubmissionId() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map
      .call(bytes, function (b) {
        return (b < 16 ? "0" : "") + b.toString(16);
      })
      .join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
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

  // --- contact details only when wanted ------------------------------------------------------

  function syncContactDetails() {
    details.hidden = !wantsContact.checked;
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "contact_wants_contact") {
      syncContactDetails();
    }
  });
  syncContactDetails();

  // --- proof of work in the background ---------------------------------------------------------

  function solveChallenge(delay) {
    form.setAttribute("data-altcha", "solving");
    altcha.done = fetch(form.getAttribute("data-challenge-url"), {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("no challenge");
        }
        return response.json();
      })
      .then(function (challenge) {
        return window.reportdeskAltcha.solve(challenge);
      })
      .then(
        function (payload) {
          // A fresh challenge counts the fill time from now: until that has passed, the previous
          // solution (still valid) is the one to send.
          window.setTimeout(function () {
            altcha.payload = payload;
            form.setAttribute("data-altcha", "solved");
          }, delay);
        },
        function () {
          // Without a solution the report still goes through; it is only marked unverified.
          form.setAttribute("data-altcha", "failed");
        }
      );
  }

  function startSolving() {
    if (!window.reportdeskAltcha) {
      form.setAttribute("data-altcha", "failed");
      return;
    }
    solveChallenge(0);
    window.setInterval(function () {
      solveChallenge(rules.min_fill_seconds * 1000);
    }, ALTCHA_REFRESH_MS);
  }

  if (document.readyState === "complete") {
    startSolving();
  } else {
    window.addEventListener("load", startSolving);
  }

  function altchaPayload() {
    if (!altcha.done) {
      return Promise.resolve(null);
    }
    var timeout = new Promise(function (resolve) {
      window.setTimeout(resolve, ALTCHA_WAIT_MS);
    });
    return Promise.race([altcha.done, timeout]).then(function () {
      return altcha.payload;
    });
  }

  // --- the same checks as the report API (reportdesk/model.py) ---------------------------------

  function value(name) {
    var field = form.elements[name];
    if (!field) {
      return "";
    }
    if (field.type === "checkbox") {
      return field.checked;
    }
    return (field.value || "").trim();
  }

  // Python counts code points, not UTF-16 units.
  function length(text) {
    return Array.from(text).length;
  }

  function matches(pattern, text) {
    return new RegExp("^(?:" + pattern + ")$").test(text);
  }

  function isPhone(text) {
    var digits = text.replace(new RegExp(rules.phone_separators, "g"), "");
    return (
      matches(rules.phone_chars, text) &&
      (matches(rules.phone_belgian, digits) || matches(rules.phone_international, digits))
    );
  }

  function check() {
    var errors = [];
    function add(field, code) {
      errors.push({ field: field, message: t("error." + field + "." + code) });
    }
    var message = value("message");
    if (!message) {
      add("message", "required");
    } else if (length(message) < rules.message_min) {
      add("message", "too_short");
    } else if (length(message) > rules.message_max) {
      add("message", "too_long");
    }
    if (length(value("when")) > rules.when_max) {
      add("when", "too_long");
    }
    if (!wantsContact.checked) {
      return errors;
    }
    var before = errors.length;
    var name = value("contact_name");
    if (length(name) > rules.name_max) {
      add("contact_name", "too_long");
    } else if (new RegExp(rules.control).test(name)) {
      add("contact_name", "invalid");
    }
    var email = value("contact_email");
    if (length(email) > rules.email_max) {
      add("contact_email", "too_long");
    } else if (email && !matches(rules.email, email)) {
      add("contact_email", "invalid");
    }
    var phone = value("contact_phone");
    if (phone && !isPhone(phone)) {
      add("contact_phone", "invalid");
    }
    if (errors.length === before && !email && !phone) {
      add("contact_email", "email_or_phone_required");
    }
    return errors;
  }

  // --- errors after GOV.UK: a summary at the top, a message at each field -----------------------

  function groupOf(field) {
    return document.getElementById(field + "-group");
  }

  function describe(field, on) {
    var target = document.getElementById(field);
    var group = groupOf(field);
    var fieldset = group && group.querySelector("fieldset");
    var described = fieldset || target;
    if (!described) {
      return;
    }
    var ids = (described.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== field + "-error";
    });
    if (on) {
      ids.push(field + "-error");
    }
    if (ids.length) {
      described.setAttribute("aria-describedby", ids.join(" "));
    } else {
      described.removeAttribute("aria-describedby");
    }
  }

  function clearErrors() {
    if (summary) {
      summary.remove();
      summary = null;
    }
    FIELDS.forEach(function (field) {
      var group = groupOf(field);
      var message = document.getElementById(field + "-error");
      if (group) {
        group.classList.remove("report-form__group--error");
      }
      if (message) {
        message.hidden = true;
        message.textContent = "";
      }
      var input = document.getElementById(field);
      if (input) {
        input.removeAttribute("aria-invalid");
      }
      describe(field, false);
    });
    document.title = originalTitle;
  }

  function fieldOf(apiField) {
    // The API names nested fields with dots (contact.email); the form with underscores.
    var field = String(apiField || "").replace(/\./g, "_");
    return FIELDS.indexOf(field) >= 0 ? field : null;
  }

  function showErrors(errors) {
    clearErrors();
    summary = element("div", "report-form__error-summary");
    summary.setAttribute("role", "alert");
    summary.setAttribute("tabindex", "-1");
    summary.setAttribute("aria-labelledby", "report-form-error-title");
    var title = element("h3", "report-form__error-title", t("answer.error.summary_heading"));
    title.id = "report-form-error-title";
    var list = element("ul", "report-form__error-list");
    var shown = {};
    errors.forEach(function (error) {
      var field = fieldOf(error.field);
      var item = element("li");
      if (field && document.getElementById(field)) {
        var link = element("a", "", error.message);
        link.href = "#" + field;
        item.appendChild(link);
        if (!shown[field]) {
          shown[field] = true;
          var group = groupOf(field);
          var message = document.getElementById(field + "-error");
          group.classList.add("report-form__group--error");
          message.textContent = "";
          message.appendChild(element("span", "report-form__visually-hidden", t("answer.error_title_prefix")));
          message.appendChild(document.createTextNode(error.message));
          message.hidden = false;
          if (!group.querySelector("fieldset")) {
            document.getElementById(field).setAttribute("aria-invalid", "true");
          }
          describe(field, true);
        }
      } else {
        item.textContent = error.message;
      }
      list.appendChild(item);
    });
    summary.appendChild(title);
    summary.appendChild(list);
    form.insertBefore(summary, form.firstChild);
    document.title = t("answer.error_title_prefix") + originalTitle;
    summary.focus();
  }

  // A link in the summary focuses its field and shows the field's label or question with it.
  form.addEventListener("click", function (event) {
    var link = event.target.closest(".report-form__error-summary a");
    if (!link) {
      return;
    }
    var input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) {
      return;
    }
    event.preventDefault();
    if (input.closest(".report-form__conditional")) {
      syncContactDetails();
    }
    var fieldset = input.closest("fieldset");
    var caption = fieldset
      ? fieldset.querySelector("legend")
      : form.querySelector('label[for="' + input.id + '"]');
    (caption || input).scrollIntoView();
    input.focus({ preventScroll: true });
  });

  // --- sending -------------------------------------------------------------------------------

  function optional(text) {
    return text || undefined;
  }

  function report(proof) {
    var contact = { wants_contact: wantsContact.checked };
    if (contact.wants_contact) {
      contact.name = optional(value("contact_name"));
      contact.email = optional(value("contact_email"));
      contact.phone = optional(value("contact_phone"));
      contact.safe_to_leave_message = value("contact_safe_to_leave_message");
    }
    var checked = function (name) {
      var input = form.querySelector('input[name="' + name + '"]:checked');
      return input ? input.value : undefined;
    };
    return {
      submission_id: submissionId,
      language: form.elements.language.value,
      message: value("message"),
      when: optional(value("when")),
      organisation: checked("organisation"),
      age_group: checked("age_group"),
      contact: contact,
      website: form.elements.website.value,
      altcha: proof || undefined,
    };
  }

  function problem(text) {
    return [{ field: null, message: text }];
  }

  function answered(response) {
    return response
      .json()
      .catch(function () {
        return null;
      })
      .then(function (body) {
        if (response.ok && body && body.reference) {
          showSuccess(body.reference, body.followup_code);
          return;
        }
        var errors = body && body.errors && body.errors.length ? body.errors : null;
        showErrors(errors || problem(t("error.request.unavailable")));
      });
  }

  function send() {
    sending = true;
    button.setAttribute("aria-disabled", "true");
    status.textContent = t("form.sending");
    altchaPayload()
      .then(function (proof) {
        return fetch(form.action, {
          method: "POST",
          credentials: "same-origin",
          cache: "no-store",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify(report(proof)),
        });
      })
      .then(answered, function () {
        showErrors(problem(t("form.network_error")));
      })
      .then(function () {
        sending = false;
        button.removeAttribute("aria-disabled");
        status.textContent = "";
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) {
      return;
    }
    var errors = check();
    if (errors.length) {
      showErrors(errors);
      return;
    }
    clearErrors();
    send();
  });

  // --- success -------------------------------------------------------------------------------

  function copyButton(reference) {
    var wrapper = element("p", "report-form__copy");
    if (!navigator.clipboard || !navigator.clipboard.writeText) {
      return wrapper;
    }
    var copy = element("button", "md-button", t("form.copy"));
    copy.type = "button";
    var done = element("span", "report-form__copied");
    done.setAttribute("role", "status");
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(reference).then(function () {
        done.textContent = t("form.copied");
      });
    });
    wrapper.appendChild(copy);
    wrapper.appendChild(done);
    return wrapper;
  }

  // The child's private follow-up code, shown this once (as on the report API's own answer page).
  function followupPanel(code) {
    var panel = element("div", "report-form__followup");
    panel.appendChild(element("p", "", t("followup.code.label")));
    var shown = element("p", "report-form__reference", code);
    shown.id = "report-followup-code";
    panel.appendChild(shown);
    panel.appendChild(element("p", "", t("followup.code.advice")));
    panel.appendChild(element("p", "", t("followup.code.once")));
    var link = element("a", "", t("followup.page_link"));
    link.href = t("followup.page_href");
    var linkLine = element("p");
    linkLine.appendChild(link);
    panel.appendChild(linkLine);
    return panel;
  }

  function showSuccess(reference, followupCode) {
    var panel = element("div", "report-form__success");
    var heading = element("h3", "report-form__success-title", t("answer.success.title"));
    heading.id = "report-form-success";
    heading.setAttribute("tabindex", "-1");
    panel.appendChild(heading);
    panel.appendChild(element("p", "", t("answer.success.reference_label")));
    var code = element("p", "report-form__reference", reference);
    code.id = "report-reference";
    panel.appendChild(code);
    panel.appendChild(copyButton(reference));
    panel.appendChild(element("p", "", t("answer.success.keep_reference")));
    if (followupCode) {
      panel.appendChild(followupPanel(followupCode));
    }
    panel.appendChild(element("h4", "", t("answer.success.next_heading")));
    panel.appendChild(element("p", "", t("answer.success.next_read")));
    panel.appendChild(
      element(
        "p",
        "",
        t(wantsContact.checked ? "answer.success.next_contact" : "answer.success.next_anonymous")
      )
    );
    panel.appendChild(element("h4", "", t("answer.urgent.heading")));
    var help = element("ul");
    data.urgent.forEach(function (line) {
      var call = element("a", "", t(line.key));
      call.href = "tel:" + line.number;
      var item = element("li");
      item.appendChild(call);
      help.appendChild(item);
    });
    panel.appendChild(help);
    // The form and everything typed in it leave the page.
    form.replaceWith(panel);
    document.title = originalTitle;
    heading.focus();
  }
})();
