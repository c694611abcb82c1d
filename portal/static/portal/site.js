// Mobile navigation toggle and print buttons; kept out of templates for the strict CSP.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".navbar-burger").forEach((burger) => {
    burger.addEventListener("click", () => {
      const menu = document.getElementById(burger.dataset.target);
      const open = burger.classList.toggle("is-active");
      menu.classList.toggle("is-active", open);
      burger.setAttribute("aria-expanded", String(open));
    });
  });
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  // File boxes labelled 选择文件 (zuofeng.forms.FileInput): show what was chosen.
  document.querySelectorAll("[data-file-picker] input[type=file]").forEach((input) => {
    input.addEventListener("change", () => {
      const names = Array.from(input.files).map((file) => file.name);
      const label = input.closest("[data-file-picker]").querySelector(".file-name");
      label.textContent = names.length ? names.join("，") : "未选择文件";
    });
  });
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
