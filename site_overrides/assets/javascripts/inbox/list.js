// The list: every report at a glance, newest first. Not opened yet: bold; age in days; the check
// (triage); a flag for new messages from the child.
(function () {
  "use strict";

  var inbox = window.ReportDeskInbox;
  if (!inbox || !inbox.api) {
    return;
  }
  var t = inbox.t;
  var rows = document.getElementById("inbox-rows");
  var empty = document.getElementById("inbox-list-empty");
  var tableWrap = document.getElementById("inbox-table-wrap");

  function row(report) {
    var node = inbox.clone("inbox-row-template");
    var open = node.querySelector('[data-field="reference"]');
    open.textContent = report.reference;
    open.setAttribute("aria-label", t("list.open") + " " + report.reference);
    open.addEventListener("click", function () {
      inbox.report.open(report.reference);
    });
    if (report.status === "new") {
      node.classList.add("inbox__row--unread");
    }
    inbox.fill(node, "received", inbox.localTime(report.received_at));
    inbox.fill(node, "age", String(report.days_open));
    inbox.fill(node, "triage", t("triage." + report.triage));
    inbox.fill(node, "status", t("status." + report.status));
    var messages = node.querySelector('[data-field="messages"]');
    if (report.unread_messages > 0) {
      messages.textContent = "\u25cf " + report.unread_messages + " " + t("list.new_messages");
      messages.classList.add("inbox__flag");
    }
    return node;
  }

  function load(focusList) {
    inbox.fail(null);
    inbox.say(t("loading"));
    return inbox.api.list().then(function (answer) {
      inbox.say("");
      if (answer.status !== 200) {
        inbox.show("inbox-list");
        inbox.fail(inbox.problem(answer));
        return;
      }
      rows.textContent = "";
      answer.body.reports.forEach(function (report) {
        rows.appendChild(row(report));
      });
      empty.hidden = answer.body.reports.length > 0;
      tableWrap.hidden = answer.body.reports.length === 0;
      if (focusList !== false) {
        inbox.show("inbox-list");
      }
    }, function () {});
  }

  document.getElementById("inbox-refresh").addEventListener("click", function () {
    load();
  });

  inbox.list = { load: load };
})();
