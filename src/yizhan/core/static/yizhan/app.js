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
//   data-person-picker   THE person picker (people/_person_picker.html): what is typed in its
//                        data-picker-query box is posted to the picker view (never put in an
//                        address, never sent with the form); ↓/↑ walk the data-pick results,
//                        Enter or a click puts the person's id into the data-picker-value field,
//                        Esc closes the list; data-picker-autosubmit sends the form once picked
document.addEventListener("htmx:responseError", (event) => {
  const xhr = event.detail.xhr;
  const page = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
  const lines = [...page.querySelectorAll('[data-testid="error"] p:not(.small)')].map((p) => p.textContent.trim());
  window.alert(lines.length ? lines.join("\n") : "操作失败（" + xhr.status + "），请刷新页面后重试。");
});

document.addEventListener("click", (event) => {
  const target = event.target;
  if (!(target instanceof Element)) return;
  const option = target.closest("[data-person-picker] [data-pick]");
  if (option) pick(option);
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

function pickerParts(element) {
  const picker = element.closest("[data-person-picker]");
  return {
    picker,
    box: picker.querySelector("[data-picker-query]"),
    value: picker.querySelector("[data-picker-value]"),
    chosen: picker.querySelector("[data-picker-chosen]"),
    results: picker.querySelector("[data-picker-results]"),
  };
}

function closePicker(parts) {
  parts.results.replaceChildren();
  parts.box.setAttribute("aria-expanded", "false");
}

function pick(option) {
  const parts = pickerParts(option);
  parts.value.value = option.dataset.pick;
  parts.chosen.textContent = "已选择：" + option.dataset.pickLabel;
  parts.box.value = "";
  closePicker(parts);
  if (parts.picker.hasAttribute("data-picker-autosubmit")) parts.picker.closest("form").requestSubmit();
  else parts.box.focus();
}

document.addEventListener("htmx:configRequest", (event) => {
  const box = event.detail.elt;
  if (box instanceof Element && box.hasAttribute("data-picker-query")) event.detail.parameters.q = box.value;
});

document.addEventListener("htmx:afterSwap", (event) => {
  const results = event.detail.target;
  if (results instanceof Element && results.hasAttribute("data-picker-results")) {
    const found = results.querySelector("[data-pick]") !== null;
    pickerParts(results).box.setAttribute("aria-expanded", String(found));
  }
});

document.addEventListener("input", (event) => {
  const box = event.target;
  if (box instanceof Element && box.hasAttribute("data-picker-query")) {
    // What is sent is what is shown: typing again drops the person picked before.
    const parts = pickerParts(box);
    parts.value.value = "";
    parts.chosen.textContent = "";
  }
});

document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (!(target instanceof Element) || !target.closest("[data-person-picker]")) return;
  const parts = pickerParts(target);
  const options = [...parts.results.querySelectorAll("[data-pick]")];
  const at = options.indexOf(target);
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    const next = event.key === "ArrowDown" ? Math.min(at + 1, options.length - 1) : at - 1;
    (next < 0 ? parts.box : options[next]).focus();
  } else if (event.key === "Escape") {
    closePicker(parts);
    parts.box.focus();
  } else if (event.key === "Enter" && target === parts.box) {
    event.preventDefault(); // Enter in the box searches; it never sends the form with no one picked
    htmx.trigger(parts.box, "picker-search");
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
