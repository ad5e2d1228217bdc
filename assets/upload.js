/* Request annotation: send the chosen file straight to the object store.
 *
 * 1. POST /api/uploads {file_name, size} -> a job id and a signed form
 *    {url, fields, file_field, max_bytes} (the shape of an S3 presigned POST);
 * 2. POST the fields, then the file, to that url with XHR, showing progress;
 * 3. POST /api/jobs {job_id, file_name, mode} -> the job exists; open its page.
 * The file never goes through a Dash callback. The ids are in dashapp/ids.py.
 */
(function () {
  "use strict";

  var IDS = {
    form: "upload-form", holder: "upload-file-holder", file: "upload-file",
    submit: "upload-submit", progress: "upload-progress", alert: "upload-alert", limit: "upload-limit",
    mode: "upload-mode"
  };

  // The checked "Transcripts per variant" choice ("all" when none is checked).
  function chosenMode() {
    var checked = document.querySelector("#" + IDS.mode + " input:checked");
    return checked ? checked.value : "all";
  }

  function kib(bytes) { return Math.round(bytes / 1024).toLocaleString("en-US") + " KiB"; }

  function setProps(id, props) {
    if (window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, props);
    }
  }

  // A refusal that Premium would lift ends with a link to the subscribe page.
  function withUpgradeLink(message) {
    var words = "Upgrade to Premium";
    var at = message.indexOf(words);
    if (at === -1) { return message; }
    var link = { type: "A", namespace: "dash_html_components",
                 props: { href: "/subscribe", className: "alert-link", id: "upload-upgrade-link", children: words } };
    return [message.slice(0, at), link, message.slice(at + words.length)];
  }

  function showError(message) {
    setProps(IDS.alert, { is_open: true, color: "danger", children: withUpgradeLink(message) });
    setProps(IDS.progress, { class_name: "mb-3 d-none" });
    setProps(IDS.submit, { disabled: false });
  }

  function showProgress(percent, label) {
    setProps(IDS.progress, { value: percent, label: label, class_name: "mb-3" });
  }

  function postJson(url, body) {
    return window.gasPostJson(url, body, "Try again in a moment.");
  }

  function errorFrom(xhr) {
    try {
      var data = JSON.parse(xhr.responseText);
      if (data && data.error) { return data.error; }
    } catch (e) { /* S3 answers in XML; fall through */ }
    if (xhr.status === 413) { return "The file is larger than this account may upload. Upgrade to Premium for files of any size."; }
    if (xhr.status === 403) { return "The upload form has expired; press Submit again."; }
    return "The upload failed (" + (xhr.status || "no connection") + "). Check your connection and try again.";
  }

  function sendFile(ticket, file) {
    return new Promise(function (resolve, reject) {
      var form = new FormData();
      Object.keys(ticket.fields).forEach(function (name) { form.append(name, ticket.fields[name]); });
      form.append(ticket.file_field, file, ticket.file_name);   // the file goes last, as S3 requires
      var xhr = new XMLHttpRequest();
      xhr.open("POST", ticket.url);
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) {
          var pct = Math.round((100 * event.loaded) / event.total);
          showProgress(pct, "Uploading… " + pct + "%");
        }
      };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) { resolve(); } else { reject(new Error(errorFrom(xhr))); }
      };
      xhr.onerror = function () { reject(new Error(errorFrom(xhr))); };
      xhr.send(form);
    });
  }

  function submit(form) {
    var input = document.getElementById(IDS.file);
    var file = input && input.files && input.files[0];
    if (!file) { showError("Choose a VCF file first."); return; }
    // The page states this user's limit (empty for Premium); the store enforces it anyway.
    var limitText = document.getElementById(IDS.limit);
    var maxBytes = parseInt(limitText ? limitText.getAttribute("data-max-bytes") : "", 10);
    if (!isNaN(maxBytes) && file.size > maxBytes) {
      showError(file.name + " is " + kib(file.size) + "; Free accounts can submit files up to " + kib(maxBytes) +
                ". Upgrade to Premium for files of any size.");
      return;
    }
    setProps(IDS.alert, { is_open: false });
    setProps(IDS.submit, { disabled: true });
    showProgress(0, "Starting…");
    postJson("/api/uploads", { file_name: file.name, size: file.size })
      .then(function (ticket) {
        if (ticket.max_bytes !== null && ticket.max_bytes !== undefined && file.size > ticket.max_bytes) {
          throw new Error("This file is larger than the " + kib(ticket.max_bytes) + " your account may upload. " +
                          "Upgrade to Premium for files of any size.");
        }
        return sendFile(ticket, file).then(function () { return ticket; });
      })
      .then(function (ticket) {
        showProgress(100, "Creating the job…");
        return postJson("/api/jobs", { job_id: ticket.job_id, file_name: ticket.file_name, mode: chosenMode() });
      })
      .then(function (job) { window.location.assign(job.url); })
      .catch(function (error) { showError(error.message); });
  }

  window.gasOnSubmit(IDS.form, submit);

  // Dash has no file-input component, so the page leaves a holder and we fill it.
  function addFileInput() {
    var holder = document.getElementById(IDS.holder);
    if (holder && !holder.querySelector("input[type=file]")) {
      var input = document.createElement("input");
      input.type = "file";
      input.id = IDS.file;
      input.name = "file";
      input.className = "form-control";
      input.accept = ".vcf,.gz,.bgz,.txt,text/plain,application/gzip";
      input.addEventListener("change", function () { setProps(IDS.alert, { is_open: false }); });
      holder.appendChild(input);
    }
  }
  new MutationObserver(addFileInput).observe(document.documentElement, { childList: true, subtree: true });
})();
