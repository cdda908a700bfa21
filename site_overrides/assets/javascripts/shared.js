// What report-form.js and my-report.js share: their data block, texts, posting JSON to the API
// (the inbox's sign-in posts with it too), a field's own error message (GOV.UK's inline error),
// and the busy state of a button.
// An ES module: browsers too old for modules get the forms without JavaScript, which still work.

// The JSON the MkDocs hook wrote into the page (partials/marker.html), or null.
export function readData(name) {
  var block = document.getElementById(name + "-data");
  return block ? JSON.parse(block.textContent) : null;
}

// The page's text for `key`, in the page's language.
export function translator(data) {
  return function (key) {
    return data.texts[key] || "";
  };
}

export function element(tag, className, text) {
  var node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

// Python counts code points, not UTF-16 units: the API's limits are in code points.
export function codePoints(text) {
  return Array.from(text).length;
}

// POSTs `body` as JSON; resolves with the status and the parsed answer (null when not JSON).
// `credentials` is fetch's: "omit" sends no cookie or HTTP authentication even to this origin.
export function postJson(url, body, credentials) {
  return fetch(url, {
    method: "POST",
    credentials: credentials || "same-origin",
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
        return { ok: response.ok, status: response.status, body: json };
      });
  });
}

// An API error's message; without one, the page's text for its code, `error.<field>.<code>`
// (AWS WAF's 429 carries the code alone: it cannot know the page's language,
// reportdesk/runtime/rate_limited.py), else "".
export function errorMessage(error, t) {
  return error.message || (error.code ? t("error." + error.field + "." + error.code) : "");
}

// The first error message of an API answer, or the text of `fallbackKey`.
export function answerError(answer, t, fallbackKey) {
  var errors = answer.body && answer.body.errors;
  return (errors && errors.length && errorMessage(errors[0], t)) || t(fallbackKey);
}

// A button that is working: announced through the form's status line, pressed again in vain.
export function setBusy(button, status, text) {
  if (text) {
    button.setAttribute("aria-disabled", "true");
  } else {
    button.removeAttribute("aria-disabled");
  }
  status.textContent = text || "";
}

// A field's own message after GOV.UK: `<id>-group` gets the error style, `<id>-error` the text
// (after a visually hidden `prefix` such as "Error: "), and the field, or its fieldset, points to
// it with aria-describedby. An empty `text` takes the message away again.
export function fieldError(id, text, prefix) {
  var group = document.getElementById(id + "-group");
  var message = document.getElementById(id + "-error");
  var input = document.getElementById(id);
  var fieldset = group && group.querySelector("fieldset");
  var described = fieldset || input;
  if (group) {
    group.classList.toggle("report-form__group--error", Boolean(text));
  }
  if (message) {
    message.textContent = "";
    if (text && prefix) {
      message.appendChild(element("span", "report-form__visually-hidden", prefix));
    }
    message.appendChild(document.createTextNode(text || ""));
    message.hidden = !text;
  }
  if (input && !fieldset) {
    if (text) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  }
  if (described) {
    var ids = (described.getAttribute("aria-describedby") || "").split(" ").filter(function (name) {
      return name && name !== id + "-error";
    });
    if (text) {
      ids.push(id + "-error");
    }
    if (ids.length) {
      described.setAttribute("aria-describedby", ids.join(" "));
    } else {
      described.removeAttribute("aria-describedby");
    }
  }
}

// --- answers from templates ------------------------------------------------------------------

var SETS = {
  "data-href": "href",
  "data-action": "action",
  "data-value": "value",
  "data-lang": "lang",
  "data-describedby": "aria-describedby",
};

function within(root, selector) {
  var found = Array.prototype.slice.call(root.querySelectorAll(selector));
  return root.matches(selector) ? [root].concat(found) : found;
}

// Fills `root` as the Lambda fills the same template (reportdesk/runtime/answer_template.py):
// data-each repeats an element per item, data-when keeps it only when true, data-slot sets its
// text (textContent: never parsed as HTML), data-href, data-action... set that attribute.
function fill(root, values) {
  within(root, "[data-each]").forEach(function (prototype) {
    var name = prototype.getAttribute("data-each");
    if (!(name in values) || !prototype.parentNode) {
      return;
    }
    values[name].forEach(function (item) {
      var copy = prototype.cloneNode(true);
      copy.removeAttribute("data-each");
      fill(copy, Object.assign({}, values, item));
      prototype.parentNode.insertBefore(copy, prototype);
    });
    prototype.remove();
  });
  within(root, "[data-when]").forEach(function (node) {
    var name = node.getAttribute("data-when");
    if (name in values) {
      if (values[name]) {
        node.removeAttribute("data-when");
      } else {
        node.remove();
      }
    }
  });
  within(root, "[data-slot]").forEach(function (node) {
    var name = node.getAttribute("data-slot");
    if (name in values) {
      node.textContent = String(values[name]);
      node.removeAttribute("data-slot");
    }
  });
  Object.keys(SETS).forEach(function (attribute) {
    within(root, "[" + attribute + "]").forEach(function (node) {
      var name = node.getAttribute(attribute);
      if (name in values) {
        node.setAttribute(SETS[attribute], String(values[name]));
        node.removeAttribute(attribute);
      }
    });
  });
  return root;
}

// A filled copy of the answer the page holds as <template id="<name>-template"> (the same file
// the API's page without JavaScript is made of).
export function fromTemplate(name, values) {
  var template = document.getElementById(name + "-template");
  return fill(template.content.firstElementChild.cloneNode(true), values);
}
