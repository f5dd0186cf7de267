// The hall screen (hall/screen.html): the board is polled by htmx; when its data-latest mark
// changes (a call or a recall), the chime plays — once the operator has clicked 启用声音, since
// browsers allow sound only after a click on the page.
(() => {
  let chime = null;
  let latest = null;

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element && event.target.closest("[data-sound-on]");
    if (!button) return;
    chime = new Audio(document.querySelector("[data-chime]").dataset.chime);
    chime.play().catch(() => {});
    button.textContent = "声音已启用";
    button.disabled = true;
    document.body.dataset.sound = "on";
  });

  function check() {
    const board = document.getElementById("board");
    if (!board) return;
    const mark = board.dataset.latest;
    if (latest !== null && mark && mark !== latest) {
      board.dataset.chimed = mark;
      if (chime) {
        chime.currentTime = 0;
        chime.play().catch(() => {});
      }
    }
    latest = mark;
  }

  document.addEventListener("DOMContentLoaded", check);
  document.addEventListener("htmx:afterSettle", check);
})();
