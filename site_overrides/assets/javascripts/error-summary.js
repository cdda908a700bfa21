// Errors after GOV.UK: a summary at the top of the form that takes the focus, each problem a link
// to its field, and the same message at the field itself; "Error: " before the page title. The
// summary is the report API's own error answer (intake/templates/error.html), held by the page.
import { fieldError, fromTemplate } from "./shared.js";

// `fields`: the form's fields in their order; `beforeFocus(input)` runs before a summary link
// moves to its field (so a hidden field can be shown first).
export function errorSummary(form, t, fields, beforeFocus) {
  var originalTitle = document.title;
  var summary = null;

  function fieldOf(apiField) {
    // The API names nested fields with dots (contact.email); the form with underscores.
    var field = String(apiField || "").replace(/\./g, "_");
    return fields.indexOf(field) >= 0 && document.getElementById(field) ? field : null;
  }

  function clear() {
    if (summary) {
      summary.remove();
      summary = null;
    }
    fields.forEach(function (field) {
      fieldError(field, "");
    });
    document.title = originalTitle;
  }

  // `errors`: [{field, message}], field null for a problem of the whole report.
  function show(errors) {
    clear();
    var items = errors.map(function (error) {
      var field = fieldOf(error.field);
      return { message: error.message, href: field ? "#" + field : "", plain: !field };
    });
    summary = fromTemplate("report-error", { errors: items });
    var shown = {};
    errors.forEach(function (error) {
      var field = fieldOf(error.field);
      if (field && !shown[field]) {
        shown[field] = true;
        fieldError(field, error.message, t("answer.error_title_prefix"));
      }
    });
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
    beforeFocus(input);
    var fieldset = input.closest("fieldset");
    var caption = fieldset
      ? fieldset.querySelector("legend")
      : form.querySelector('label[for="' + input.id + '"]');
    (caption || input).scrollIntoView();
    input.focus({ preventScroll: true });
  });

  return { show: show, clear: clear };
}
