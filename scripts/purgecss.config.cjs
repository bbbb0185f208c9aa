// PurgeCSS: Bootstrap 5.3 cut down to the selectors the portal's templates, scripts
// and form widgets use (issue 19). Run `make css` after adding a Bootstrap class to
// a template; the result, static/vendor/bootstrap/bootstrap.purged.min.css, is
// committed (no build step at deploy time).
module.exports = {
  css: ["static/vendor/bootstrap/bootstrap.min.css"],
  content: [
    "templates/**/*.html",
    "*/templates/**/*.html",
    "bourse/*/templates/**/*.html",
    "static/js/**/*.js",
    "*/static/**/*.js",
    "bourse/*/static/**/*.js",
    "*/**/*.py",
    // Markup the portal renders from its libraries: crispy-forms, Django's widgets.
    ".venv/lib/python3*/site-packages/crispy_bootstrap5/templates/**/*.html",
    ".venv/lib/python3*/site-packages/django/forms/templates/**/*.html",
  ],
  skippedContentGlobs: [".venv/lib/python3*/site-packages/!(crispy_bootstrap5|django)/**", "node_modules/**", ".cache/**"],
  output: "static/vendor/bootstrap/bootstrap.purged.min.css",
  // Classes and attributes that Bootstrap's scripts add at run time.
  safelist: {
    standard: [/^show$/, /^showing$/, /^hiding$/, /^collapsing$/, /^collapsed$/, /^fade$/, /^active$/, /^disabled$/, /^was-validated$/, /^is-(in)?valid$/],
    deep: [/^dropdown-menu/, /^navbar-expand/],
    greedy: [/data-bs-popper/, /data-popper/],
  },
  variables: true,
  keyframes: true,
  fontFace: true,
};
