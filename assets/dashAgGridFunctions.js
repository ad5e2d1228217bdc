/* Functions the ag-grid column definitions name (see dashapp/pages/my_annotations.py). */
var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

dagfuncs.gasLocalTime = function (epochSeconds) {
  return window.gasFormatTime(epochSeconds);
};
