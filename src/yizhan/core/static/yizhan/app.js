// Yizhan's page glue. htmx gets the CSRF token from <body hx-headers>; nothing else is needed yet.
document.addEventListener("htmx:responseError", (event) => {
  const status = event.detail.xhr.status;
  const text = status === 404 ? "未找到，或不在您的管辖范围内。" : status === 409 ? "数据已被他人修改，请刷新后再试。" : "操作失败（" + status + "）。";
  window.alert(text);
});
