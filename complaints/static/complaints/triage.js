// The triage queue from the keyboard: j/k (or the arrow keys) move the selection, Enter
// confirms the selected suggestion, e opens its correction page, g its near-duplicate group.
// Progressive enhancement: every action is also a button or a link that works without it.
document.addEventListener("DOMContentLoaded", () => {
  const rows = Array.from(document.querySelectorAll("tr[data-triage-row]"));
  if (!rows.length) return;
  document.querySelector("[data-triage-keys]")?.removeAttribute("hidden");
  let current = 0;

  const select = (index) => {
    rows[current].classList.remove("is-selected");
    rows[current].removeAttribute("aria-selected");
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows[current].classList.add("is-selected");
    rows[current].setAttribute("aria-selected", "true");
    rows[current].scrollIntoView({ block: "nearest" });
  };
  select(0);
  rows.forEach((row, index) => row.addEventListener("click", () => select(index)));

  const typing = (target) =>
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "SELECT", "TEXTAREA", "BUTTON", "A"].includes(target.tagName));

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    const row = rows[current];
    if (event.key === "j" || event.key === "ArrowDown") {
      select(current + 1);
    } else if (event.key === "k" || event.key === "ArrowUp") {
      select(current - 1);
    } else if (event.key === "Enter") {
      const button = row.querySelector("form[data-confirm-suggestion] button");
      if (!button || button.disabled) {
        row.querySelector("a[data-correct]")?.click();
      } else {
        button.closest("form").requestSubmit(button);
      }
    } else if (event.key === "e") {
      row.querySelector("a[data-correct]")?.click();
    } else if (event.key === "g") {
      row.querySelector("a[data-group-link]")?.click();
    } else {
      return;
    }
    event.preventDefault();
  });
});
