// Yizhan's page glue. htmx gets the CSRF token from <body hx-headers>; nothing else is needed yet.
// An error answered to htmx is one of our error pages (core/errors.py): say its Chinese sentences.
document.addEventListener("htmx:responseError", (event) => {
  const xhr = event.detail.xhr;
  const page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
  const lines = [...page.querySelectorAll('[data-testid="error"] p:not(.small)')].map((p) => p.textContent.trim());
  window.alert(lines.length ? lines.join("\n") : "操作失败（" + xhr.status + "），请刷新页面后重试。");
});
