// The report form, enhanced after the GOV.UK Design System: the contact details only when wanted
// (contact-reveal.js), checks before sending with the report API's own rules and messages shown in
// an error summary (error-summary.js), a proof of work solved in the background (proof-of-work.js),
// and sending that reuses the submission id so nothing is stored twice (sending.js).
// Without this script the form still posts and the report API answers with a page.
import { contactReveal } from "./contact-reveal.js";
import { errorSummary } from "./error-summary.js";
import { proofOfWork } from "./proof-of-work.js";
import { newSubmissionId, reportOf, sendReport, value } from "./sending.js";
import { codePoints, fromTemplate, readData, setBusy, translator } from "./shared.js";

var form = document.querySelector('form[data-module="report-form"]');
var data = readData("report-form");
if (form && data && window.fetch) {
  enhance(form, data);
}

function enhance(form, data) {
  var rules = data.rules;
  var t = translator(data);
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
  var submissionId = newSubmissionId();
  var button = form.querySelector('button[type="submit"]');
  var status = form.querySelector(".report-form__status");
  var wantsContact = document.getElementById("contact_wants_contact-yes");
  var sending = false;

  var syncContact = contactReveal(form);
  var summary = errorSummary(form, t, FIELDS, function (input) {
    if (input.closest(".report-form__conditional")) {
      syncContact();
    }
  });
  var proof = proofOfWork(form, rules.min_fill_seconds);

  // --- the same checks as the report API (reportdesk/model.py) -------------------------------

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
    var message = value(form, "message");
    if (!message) {
      add("message", "required");
    } else if (codePoints(message) < rules.message_min) {
      add("message", "too_short");
    } else if (codePoints(message) > rules.message_max) {
      add("message", "too_long");
    }
    if (codePoints(value(form, "when")) > rules.when_max) {
      add("when", "too_long");
    }
    if (!wantsContact.checked) {
      return errors;
    }
    var before = errors.length;
    var name = value(form, "contact_name");
    if (codePoints(name) > rules.name_max) {
      add("contact_name", "too_long");
    } else if (new RegExp(rules.control).test(name)) {
      add("contact_name", "invalid");
    }
    var email = value(form, "contact_email");
    if (codePoints(email) > rules.email_max) {
      add("contact_email", "too_long");
    } else if (email && !matches(rules.email, email)) {
      add("contact_email", "invalid");
    }
    var phone = value(form, "contact_phone");
    if (phone && !isPhone(phone)) {
      add("contact_phone", "invalid");
    }
    if (errors.length === before && !email && !phone) {
      add("contact_email", "email_or_phone_required");
    }
    return errors;
  }

  // --- sending -------------------------------------------------------------------------------

  function send() {
    sending = true;
    setBusy(button, status, t("form.sending"));
    proof()
      .then(function (payload) {
        return sendReport(form, reportOf(form, submissionId, payload), t);
      })
      .then(
        function (answer) {
          if (answer.errors) {
            summary.show(answer.errors);
          } else {
            showSuccess(answer.reference, answer.followup_code);
          }
        },
        function () {
          summary.show([{ field: null, message: t("form.network_error") }]);
        }
      )
      .then(function () {
        sending = false;
        setBusy(button, status, "");
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) {
      return;
    }
    var errors = check();
    if (errors.length) {
      summary.show(errors);
      return;
    }
    summary.clear();
    send();
  });

  // --- success: the report API's own answer (intake/templates/success.html) --------------------

  function showSuccess(reference, followupCode) {
    var panel = fromTemplate("report-success", {
      reference: reference,
      followup_code: followupCode || "",
      contact: wantsContact.checked,
      anonymous: !wantsContact.checked,
    });
    panel.appendChild(fromTemplate("answer-urgent", {}));
    var copy = panel.querySelector(".report-form__copy");
    if (navigator.clipboard && navigator.clipboard.writeText) {
      copy.querySelector("button").addEventListener("click", function () {
        navigator.clipboard.writeText(reference).then(function () {
          copy.querySelector(".report-form__copied").textContent = t("form.copied");
        });
      });
    } else {
      copy.remove();
    }
    // The form and everything typed in it leave the page.
    form.replaceWith(panel);
    panel.querySelector("#report-form-success").focus();
  }
}
