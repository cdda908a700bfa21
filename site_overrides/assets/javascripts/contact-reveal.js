// The contact details show only when the child wants to be contacted (GOV.UK's conditional
// reveal). Without JavaScript they are always shown, and the report API ignores them unless wanted.

// Starts the reveal; returns the function that brings the details in line with the choice.
export function contactReveal(form) {
  var details = document.getElementById("contact-details");
  var wantsContact = document.getElementById("contact_wants_contact-yes");

  function sync() {
    details.hidden = !wantsContact.checked;
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "contact_wants_contact") {
      sync();
    }
  });
  sync();
  return sync;
}
