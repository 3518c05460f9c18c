/* global window, document */
// Applies the remembered theme before first paint. Without JavaScript the CSS follows prefers-color-scheme.
(function () {
  try {
    var saved = window.localStorage.getItem('paperboy-theme');
    if (saved === 'light' || saved === 'dark') document.documentElement.setAttribute('data-theme', saved);
  } catch {
    /* storage may be disabled */
  }
})();
