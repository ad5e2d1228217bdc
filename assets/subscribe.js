/* Subscribe page: take the card and POST /billing/subscribe as JSON.
 *
 * Demo billing (form data-demo="true"): the test card's number, expiry and CVC
 * are posted to our server, which accepts only Stripe's test card numbers.
 * Stripe: this script loads Stripe.js from js.stripe.com (the one external
 * script GAS uses, and only on this page when Stripe keys are configured),
 * mounts the card field, and turns the card into a PaymentMethod in the
 * browser; our server only receives the "pm_..." id.
 * A refused card is shown on the form; success opens the confirmation page.
 * The pending page (data-reload-seconds) reloads until payment is confirmed.
 * The ids are in dashapp/ids.py.
 */
(function () {
  "use strict";

  var IDS = {
    form: "subscribe-form", card: "subscribe-card-element",
    submit: "subscribe-submit", alert: "subscribe-alert"
  };
  var STRIPE_JS = "https://js.stripe.com/v3/";
  var stripe = null, cardElement = null, mountedOn = null;

  function setProps(id, props) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, props);
    }
  }

  var submitLabel = null;   // the button's words, put back after a refused card

  function showError(message) {
    setProps(IDS.alert, { is_open: true, color: "danger", children: message });
    setProps(IDS.submit, submitLabel === null ? { disabled: false } : { disabled: false, children: submitLabel });
  }

  function busy() {
    var button = document.getElementById(IDS.submit);
    if (button && submitLabel === null) { submitLabel = button.textContent; }
    setProps(IDS.alert, { is_open: false });
    setProps(IDS.submit, { disabled: true, children: "Processing payment…" });
  }

  function postJson(url, body) {
    return window.gasPostJson(url, body, "Nothing was charged; try again in a moment.");
  }

  function demoPayment(form) {
    function value(name) { var el = form.elements[name]; return el ? el.value.trim() : ""; }
    if (!value("card_number")) { return Promise.reject(new Error("Enter the card number.")); }
    return Promise.resolve({ card_number: value("card_number"), expiry: value("expiry"), cvc: value("cvc") });
  }

  function stripePayment() {
    if (!stripe || !cardElement) {
      return Promise.reject(new Error("The card field has not loaded. Check your connection and reload the page."));
    }
    return stripe.createPaymentMethod({ type: "card", card: cardElement }).then(function (result) {
      if (result.error) { throw new Error(result.error.message); }
      return { payment_method: result.paymentMethod.id };
    });
  }

  function submit(form) {
    busy();
    var payment = form.getAttribute("data-demo") === "true" ? demoPayment(form) : stripePayment();
    payment
      .then(function (body) { return postJson("/billing/subscribe", body); })
      .then(function (answer) { window.location.assign(answer.redirect || "/subscribed"); })
      .catch(function (error) { showError(error.message); });
  }

  window.gasOnSubmit(IDS.form, submit);

  function loadStripe(src, done) {
    if (window.Stripe) { done(); return; }
    var script = document.createElement("script");
    script.src = src || STRIPE_JS;
    script.onload = done;
    script.onerror = function () {
      showError("The card field could not be loaded from Stripe. Check your connection and reload the page.");
    };
    document.head.appendChild(script);
  }

  function mountCard() {
    var holder = document.getElementById(IDS.card);
    if (!holder || holder === mountedOn) { return; }
    mountedOn = holder;
    var key = holder.getAttribute("data-publishable-key");
    loadStripe(holder.getAttribute("data-stripe-js"), function () {
      stripe = stripe || window.Stripe(key);
      cardElement = stripe.elements().create("card", { hidePostalCode: true });
      cardElement.mount(holder);
      cardElement.on("change", function (event) {
        if (event.error) { showError(event.error.message); } else { setProps(IDS.alert, { is_open: false }); }
      });
    });
  }

  var reloadTimer = null;
  function reloadWhilePending() {
    var pending = document.getElementById("subscribed-pending");
    if (pending && reloadTimer === null) {
      var seconds = parseInt(pending.getAttribute("data-reload-seconds"), 10) || 5;
      reloadTimer = window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
    }
  }

  // Dash renders pages after this script runs, so watch for them.
  new MutationObserver(function () { mountCard(); reloadWhilePending(); })
    .observe(document.documentElement, { childList: true, subtree: true });
})();
