// The complaint pages: a search box that narrows the unit list, and copy buttons on the
// receipt. Kept out of templates for the strict CSP; the pages work without it.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-filter-select]").forEach((search) => {
    const select = document.getElementById(search.dataset.filterSelect);
    if (!select) return;
    const all = Array.from(select.options);
    search.closest("[data-unit-search]")?.removeAttribute("hidden");
    search.addEventListener("input", () => {
      const words = search.value.trim().toLowerCase();
      const chosen = select.value;
      // Rebuilt rather than hidden: phones ignore `hidden` on options.
      select.replaceChildren(
        ...all.filter(
          (option) =>
            option.value === "" ||
            option.value === chosen ||
            option.text.toLowerCase().includes(words),
        ),
      );
      const matches = Array.from(select.options).filter((option) => option.value !== "");
      if (words && matches.length === 1) select.value = matches[0].value;
      else select.value = chosen;
    });
  });

  document.querySelectorAll("button[data-copy]").forEach((button) => {
    const target = document.getElementById(button.dataset.copy);
    if (!target || !navigator.clipboard) return;
    button.removeAttribute("hidden");
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(target.textContent.trim()).then(
        () => {
          button.textContent = "已复制";
        },
        () => {
          window.getSelection().selectAllChildren(target);
          button.textContent = "请长按复制";
        },
      );
    });
  });
});
