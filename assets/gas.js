/* Helpers every page uses.
 *
 * - gasFormatTime: an instant (ISO string or epoch seconds) in the browser's own
 *   time zone; the server does not know the user's zone.
 * - gasPostJson: POST JSON with the CSRF header; rejects with the server's own
 *   sentence ({"error": ...}) or, failing that, the status and `hint`.
 * - A 401 from a Dash callback means the session ended: go to the login page
 *   instead of leaving a page that silently stops updating.
 */
(function () {
  "use strict";

  var formatter = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short"
  });

  window.gasFormatTime = function (instant) {
    if (instant === null || instant === undefined || instant === "") { return "—"; }
    var date = typeof instant === "number" ? new Date(instant * 1000) : new Date(instant);
    return isNaN(date.getTime()) ? String(instant) : formatter.format(date);
  };

  window.gasCsrfToken = function () {
    var match = document.cookie.match(/(?:^|;\s*)_csrf_token=([^;]*)/);
    return match ? decodeURIComponent(match[1]) : "";
  };

  window.gasPostJson = function (url, body, hint) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": window.gasCsrfToken() },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          throw new Error(data.error || ("The server answered " + response.status + ". " + hint));
        }
        return data;
      });
    });
  };

  // Dash renders pages after the scripts run, so a form's submit is caught on the document.
  window.gasOnSubmit = function (formId, handler) {
    document.addEventListener("submit", function (event) {
      if (event.target && event.target.id === formId) {
        event.preventDefault();
        handler(event.target);
      }
    }, true);
  };

  var originalFetch = window.fetch.bind(window);
  window.fetch = function (resource, init) {
    return originalFetch(resource, init).then(function (response) {
      var url = typeof resource === "string" ? resource : (resource && resource.url) || "";
      if (response.status === 401 && url.indexOf("_dash-update-component") !== -1) {
        window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname));
      }
      return response;
    });
  };
})();
