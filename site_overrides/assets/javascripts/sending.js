// Sending a report as JSON, as the report API's contract says: the form's values, the proof of
// work, and a submission id made once per page, so a retry after a lost answer is stored once.
import { errorMessage, postJson } from "./shared.js";

export function newSubmissionId() {
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

// A form field's trimmed value, or its checked state for a checkbox.
export function value(form, name) {
  var field = form.elements[name];
  if (!field) {
    return "";
  }
  if (field.type === "checkbox") {
    return field.checked;
  }
  return (field.value || "").trim();
}

function optional(text) {
  return text || undefined;
}

// The report the API expects (ReportIn): nested contact, empty optional fields left out.
export function reportOf(form, submissionId, proof) {
  var contact = { wants_contact: form.elements["contact_wants_contact"].value === "yes" };
  if (contact.wants_contact) {
    contact.name = optional(value(form, "contact_name"));
    contact.email = optional(value(form, "contact_email"));
    contact.phone = optional(value(form, "contact_phone"));
    contact.safe_to_leave_message = value(form, "contact_safe_to_leave_message");
  }
  var checked = function (name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : undefined;
  };
  return {
    submission_id: submissionId,
    language: form.elements.language.value,
    message: value(form, "message"),
    when: optional(value(form, "when")),
    organisation: checked("organisation"),
    age_group: checked("age_group"),
    contact: contact,
    website: form.elements.website.value,
    altcha: proof || undefined,
  };
}

// Sends the report; resolves with {reference, followup_code} or {errors: [{field, message}]}, and
// rejects when the network failed (then nothing is known, and a retry is safe).
export function sendReport(form, report, t) {
  return postJson(form.action, report).then(function (answer) {
    var body = answer.body;
    if (answer.ok && body && body.reference) {
      return body;
    }
    var errors = ((body && body.errors) || [])
      .map(function (error) {
        return { field: error.field, message: errorMessage(error, t) };
      })
      .filter(function (error) {
        return error.message;
      });
    return { errors: errors.length ? errors : [{ field: null, message: t("error.request.unavailable") }] };
  });
}
