// The inbox API: every call with the session's token, never cached; a 401 ends the session.
(function () {
  "use strict";

  var inbox = window.ReportDeskInbox;
  if (!inbox || !inbox.session) {
    return;
  }

  function request(method, path, body) {
    return inbox.session.token().then(function (token) {
      var headers = { Authorization: "Bearer " + token, Accept: "application/json" };
      if (body !== undefined) {
        headers["Content-Type"] = "application/json";
      }
      return fetch(inbox.data.reports_url + path, {
        method: method,
        cache: "no-store",
        credentials: "omit",
        headers: headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(function (response) {
        if (response.status === 401) {
          inbox.session.signOut();
        }
        var type = response.headers.get("Content-Type") || "";
        var read = type.indexOf("application/json") === 0 ? response.json() : response.text();
        return read
          .catch(function () {
            return null;
          })
          .then(function (content) {
            return { status: response.status, body: content, headers: response.headers };
          });
      });
    });
  }

  function path(reference, rest) {
    return "/" + encodeURIComponent(reference) + (rest || "");
  }

  inbox.api = {
    list: function () {
      return request("GET", "");
    },
    open: function (reference) {
      return request("GET", path(reference));
    },
    reply: function (reference, message) {
      return request("POST", path(reference, "/replies"), { message: message });
    },
    status: function (reference, status) {
      return request("POST", path(reference, "/status"), { status: status });
    },
    postpone: function (reference) {
      return request("POST", path(reference, "/postpone"));
    },
    exportText: function (reference) {
      return request("GET", path(reference, "/export"));
    },
    remove: function (reference, confirm) {
      return request("DELETE", path(reference), { confirm: confirm });
    },
  };
})();
