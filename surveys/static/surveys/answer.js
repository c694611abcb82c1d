// Skip logic on the answering page, from the ASTs surveys/expressions.py produces (json_script
// "survey-logic"). A small evaluator with the same semantics as expressions.evaluate: no eval,
// no inline script (strict CSP). The server checks everything again (surveys/answering.py);
// this only hides questions that do not apply. A hidden question's inputs are disabled, so
// they are not posted, and its answers count as empty for later conditions, as on the server.
(function () {
  "use strict";

  function DateValue(days) {
    this.days = days;
  }
  const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
  const DAY_MS = 86400000;

  function isoToDays(text) {
    const parts = text.split("-").map(Number);
    const time = Date.UTC(parts[0], parts[1] - 1, parts[2]);
    const back = new Date(time);
    if (back.getUTCMonth() !== parts[1] - 1 || back.getUTCDate() !== parts[2]) return null;
    return Math.round(time / DAY_MS);
  }

  function daysToIso(days) {
    return new Date(days * DAY_MS).toISOString().slice(0, 10);
  }

  function fromAnswer(text) {
    // A string answer as expressions.answer_value sees it (a YYYY-MM-DD string is a date).
    if (ISO_DATE.test(text)) {
      const days = isoToDays(text);
      if (days !== null) return new DateValue(days);
    }
    return text;
  }

  function toNumber(v) {
    if (typeof v === "boolean") return v ? 1 : 0;
    if (typeof v === "number") return v;
    if (v instanceof DateValue) return v.days;
    const text = String(v).trim();
    if (ISO_DATE.test(text)) {
      const days = isoToDays(text);
      return days === null ? NaN : days;
    }
    return /^-?(\d+(\.\d*)?|\.\d+)$/.test(text) ? parseFloat(text) : NaN;
  }

  function toStr(v) {
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number") {
      if (Number.isNaN(v)) return "NaN";
      if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
      return String(v);
    }
    if (v instanceof DateValue) return daysToIso(v.days);
    return v;
  }

  function toBool(v) {
    if (typeof v === "boolean") return v;
    if (typeof v === "number") return !(v === 0 || Number.isNaN(v));
    if (v instanceof DateValue) return true;
    return v !== "";
  }

  function equal(a, b) {
    if (typeof a === "boolean" || typeof b === "boolean") return toBool(a) === toBool(b);
    const numeric = (x) => typeof x === "number" || x instanceof DateValue;
    if (numeric(a) || numeric(b)) return toNumber(a) === toNumber(b);
    return a === b;
  }

  function divide(a, b) {
    if (b === 0) {
      if (a === 0 || Number.isNaN(a)) return NaN;
      return (a > 0 ? Infinity : -Infinity) * (Object.is(b, -0) ? -1 : 1);
    }
    return a / b;
  }

  function modulo(a, b) {
    if (b === 0 || !Number.isFinite(a) || Number.isNaN(b)) return NaN;
    return a % b;
  }

  function toDate(v) {
    if (v instanceof DateValue) return v;
    if (typeof v === "number" && Number.isFinite(v)) return new DateValue(Math.trunc(v));
    const text = toStr(v).trim();
    if (ISO_DATE.test(text)) {
      const days = isoToDays(text);
      if (days !== null) return new DateValue(days);
    }
    return "";
  }

  let fixedToday = null; // set by the tests' entry point only

  function today() {
    if (fixedToday !== null) return fixedToday;
    // Today in Asia/Shanghai (UTC+8, no daylight saving).
    return new DateValue(Math.floor((Date.now() + 8 * 3600000) / DAY_MS));
  }

  function fromStored(value) {
    // A stored (JSON) answer as expressions.answer_value sees it.
    if (value === null || value === undefined) return "";
    if (Array.isArray(value)) return value.join(" ");
    if (typeof value === "number" || typeof value === "boolean") return value;
    return fromAnswer(String(value));
  }

  const FUNCTIONS = {
    not: (a) => !toBool(a),
    true: () => true,
    false: () => false,
    selected: (items, code) => toStr(items).split(/\s+/).filter(Boolean).includes(toStr(code).trim()),
    "count-selected": (items) => toStr(items).split(/\s+/).filter(Boolean).length,
    "string-length": (a) => Array.from(toStr(a)).length,
    regex: (a, pattern) => {
      try {
        return new RegExp(toStr(pattern), "u").test(toStr(a));
      } catch (e) {
        return true; // a pattern JS cannot read: let the server decide
      }
    },
    contains: (a, b) => toStr(a).includes(toStr(b)),
    "starts-with": (a, b) => toStr(a).startsWith(toStr(b)),
    "ends-with": (a, b) => toStr(a).endsWith(toStr(b)),
    coalesce: (a, b) => (toStr(a) !== "" ? a : b),
    date: toDate,
    number: toNumber,
  };

  const NUMERIC = {
    "<": (a, b) => a < b,
    "<=": (a, b) => a <= b,
    ">": (a, b) => a > b,
    ">=": (a, b) => a >= b,
    "+": (a, b) => a + b,
    "-": (a, b) => a - b,
    "*": (a, b) => a * b,
    div: divide,
    mod: modulo,
  };

  function evaluate(node, answers, current) {
    switch (node.type) {
      case "number":
      case "string":
        return node.value;
      case "ref":
        return Object.prototype.hasOwnProperty.call(answers, node.name) ? answers[node.name] : "";
      case "current":
        return current === undefined ? "" : current;
      case "negate":
        return -toNumber(evaluate(node.operand, answers, current));
      case "binary": {
        if (node.op === "and") {
          return toBool(evaluate(node.left, answers, current)) && toBool(evaluate(node.right, answers, current));
        }
        if (node.op === "or") {
          return toBool(evaluate(node.left, answers, current)) || toBool(evaluate(node.right, answers, current));
        }
        const left = evaluate(node.left, answers, current);
        const right = evaluate(node.right, answers, current);
        if (node.op === "=") return equal(left, right);
        if (node.op === "!=") return !equal(left, right);
        return NUMERIC[node.op](toNumber(left), toNumber(right));
      }
      case "call": {
        if (node.name === "if") {
          const branch = toBool(evaluate(node.args[0], answers, current)) ? node.args[1] : node.args[2];
          return evaluate(branch, answers, current);
        }
        if (node.name === "today") return today();
        const args = node.args.map((arg) => evaluate(arg, answers, current));
        const fn = FUNCTIONS[node.name];
        return fn ? fn.apply(null, args) : true;
      }
      default:
        return true; // unknown node: show the question, the server decides
    }
  }

  // -- reading the form ----------------------------------------------------------------------

  function valueOf(form, key, kind) {
    const fields = Array.from(form.elements).filter((el) => el.name === key && !el.disabled);
    if (kind === "multiple") {
      return fields.filter((el) => el.checked).map((el) => el.value).join(" ");
    }
    if (kind === "ranking") {
      const selects = Array.from(form.elements).filter(
        (el) => el.name && el.name.indexOf(key + "__") === 0 && !el.disabled
      );
      const ranked = selects.filter((el) => el.value).map((el) => [Number(el.value), el.name.slice(key.length + 2)]);
      const positions = new Set(ranked.map((r) => r[0]));
      if (!ranked.length || ranked.length !== selects.length || positions.size !== ranked.length) return "";
      return ranked.sort((a, b) => a[0] - b[0]).map((r) => r[1]).join(" ");
    }
    let text = "";
    fields.forEach((el) => {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) text = el.value;
      } else {
        text = el.value.trim();
      }
    });
    if ((kind === "integer" || kind === "decimal") && text !== "") {
      const number = Number(text);
      return Number.isFinite(number) ? number : text;
    }
    return text === "" ? "" : fromAnswer(text);
  }

  function apply(form, logic) {
    const answers = {};
    logic.questions.forEach((q) => {
      const block = document.getElementById("block-" + q.name);
      let shown = true;
      if (q.relevant) {
        try {
          shown = toBool(evaluate(q.relevant, answers, undefined));
        } catch (e) {
          shown = true;
        }
      }
      if (block) {
        block.hidden = !shown;
        block.querySelectorAll("input, select, textarea").forEach((el) => {
          el.disabled = !shown || el.dataset.full === "true";
        });
      }
      q.keys.forEach((pair) => {
        answers[pair[0]] = shown ? valueOf(form, pair[0], pair[1]) : "";
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const source = document.getElementById("survey-logic");
    const form = document.querySelector("form[data-survey-form]");
    if (!source || !form) return;
    const logic = JSON.parse(source.textContent);
    // Choices whose quota is full stay disabled whatever the skip logic says.
    form.querySelectorAll(".survey-choice.is-full input").forEach((el) => {
      el.dataset.full = "true";
    });
    const run = () => apply(form, logic);
    form.addEventListener("change", run);
    form.addEventListener("input", run);
    run();
    const firstError = document.querySelector(".survey-q.has-error");
    if (firstError) firstError.scrollIntoView({ block: "center" });
  });

  // For the tests (surveys/tests/fixtures/expression_cases.json, the table the Python side is
  // tested against): the truth of an AST for stored answers on a given day.
  window.zuofengSurveyLogic = {
    holds: function (node, stored, current, todayIso) {
      fixedToday = todayIso ? new DateValue(isoToDays(todayIso)) : null;
      const answers = {};
      Object.keys(stored).forEach((key) => {
        answers[key] = fromStored(stored[key]);
      });
      try {
        return toBool(evaluate(node, answers, current === null ? undefined : fromStored(current)));
      } finally {
        fixedToday = null;
      }
    },
  };
})();
