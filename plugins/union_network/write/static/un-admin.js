/* union-network: the web editor's preview pane wears the site's brandbook.
 * Loaded after decap-cms.js by admin/index.html; the stylesheets to use are listed, space
 * separated, in this script element's data-preview attribute (the site's own CSS files). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!window.CMS || !script) return;
  (script.getAttribute("data-preview") || "").split(" ").forEach(function (href) {
    if (href) window.CMS.registerPreviewStyle(href);
  });
  window.CMS.registerPreviewStyle(
    "body{font-family:var(--md-text-font-family,sans-serif);color:var(--un-text,#222);" +
      "background:var(--un-background,#fff);line-height:1.6;padding:1rem 1.5rem;max-width:48rem}" +
      "a{color:var(--un-link,inherit)}h1,h2,h3{color:var(--un-primary-dark,inherit)}img{max-width:100%}",
    { raw: true }
  );
})();
