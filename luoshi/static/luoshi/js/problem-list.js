// Problem list: leave empty filters (and the default sort) out of the HTMX request, so URLs stay short.
document.addEventListener("htmx:configRequest", function (event) {
  if (!event.detail.elt || event.detail.elt.id !== "filters") { return; }
  var data = event.detail.formData;
  Array.from(data.entries()).forEach(function (pair) {
    if (pair[1] === "" || (pair[0] === "sort" && pair[1] === "-id")) { data.delete(pair[0]); }
  });
});
