/* Cell renderers for the jobs grid. They build elements with React, which escapes
 * the values: a file name or id can never become markup. */
var dagcomponentfuncs = (window.dashAgGridComponentFunctions = window.dashAgGridComponentFunctions || {});

dagcomponentfuncs.JobLink = function (props) {
  return React.createElement(
    "a",
    { href: "/annotations/" + encodeURIComponent(props.value), className: "font-monospace job-link" },
    props.value
  );
};

// The input file's name, linking to its job: what a researcher looks for first, and on a
// phone the column that stays in view.
dagcomponentfuncs.FileLink = function (props) {
  return React.createElement(
    "a",
    { href: "/annotations/" + encodeURIComponent(props.data.job_id), className: "file-link" },
    props.value
  );
};

var STATUS_CLASSES = {
  PENDING: "text-bg-secondary",
  RUNNING: "text-bg-primary",
  COMPLETED: "text-bg-success",
  FAILED: "text-bg-danger"
};

dagcomponentfuncs.StatusBadge = function (props) {
  return React.createElement(
    "span",
    { className: "badge status-badge " + (STATUS_CLASSES[props.value] || "text-bg-light") },
    props.value
  );
};
