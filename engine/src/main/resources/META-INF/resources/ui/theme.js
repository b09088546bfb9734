// Before the first paint (a classic script, not a module): the saved theme, else the system's. A file, not an
// inline script, so the Content-Security-Policy can forbid inline scripts.
document.documentElement.dataset.theme = localStorage.getItem('sagaflow.theme')
  || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
