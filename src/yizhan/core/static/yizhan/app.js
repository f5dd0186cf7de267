// Yizhan's page glue. htmx gets the CSRF token from <body hx-headers>.
// An error answered to htmx is one of our error pages (core/errors.py): say its Chinese sentences.
//
// The Content-Security-Policy allows no inline script and no inline style, so behaviour is
// declared in the markup and wired here (delegated, so content swapped in by htmx works too):
//   data-print           a button that prints the page
//   data-print-on-load   on <body>: print once the page has loaded
//   data-confirm="…"     on a form: asks before it is submitted
//   data-autosubmit      on a select: submits its form when changed
//   data-check-all       a checkbox that ticks every checkbox in its table's body
//   data-tab-nav         on a nav-tabs list: the clicked tab becomes the active one
//   data-width="42"      a progress bar's width in percent (set through the CSSOM, which CSP allows)
document.addEventListener("htmx:responseError", (event) => {
  const xhr = event.detail.xhr;
  const page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
  const lines = [...page.querySelectorAll('[data-testid="error"] p:not(.small)')].map((p) => p.textContent.trim());
  window.alert(lines.length ? lines.join("\n") : "操作失败（" + xhr.status + "），请刷新页面后重试。");
});

document.addEventListener("click", (event) => {
  const target = event.target;
  if (!(target instanceof Element)) return;
  if (target.closest("[data-print]")) {
    window.print();
  }
  const checkAll = target.closest("[data-check-all]");
  if (checkAll) {
    checkAll.closest("table").querySelectorAll("tbody input[type=checkbox]").forEach((box) => {
      box.checked = checkAll.checked;
    });
  }
  const tab = target.closest("[data-tab-nav] .nav-link");
  if (tab) {
    tab.closest("[data-tab-nav]").querySelectorAll(".nav-link").forEach((link) => link.classList.remove("active"));
    tab.classList.add("active");
  }
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) {
    target.form.requestSubmit();
  }
});

function setWidths(root) {
  root.querySelectorAll("[data-width]").forEach((bar) => {
    bar.style.width = bar.dataset.width + "%";
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setWidths(document);
  if (document.body.hasAttribute("data-print-on-load")) window.print();
});
document.addEventListener("htmx:load", (event) => setWidths(event.detail.elt));
