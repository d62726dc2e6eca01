// storyline pages: a little behaviour on top of server-rendered HTML (every link and form works without it).
"use strict";

// Forms leave empty fields out of the URL, so shared links stay short and readable.
document.querySelectorAll("form[data-clean-empty]").forEach((form) => {
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(form)) {
      if (String(v).trim() !== "") params.append(k, String(v).trim());
    }
    params.delete("page");
    const qs = params.toString();
    window.location.assign(form.getAttribute("action") + (qs ? "?" + qs : ""));
  });
});
document.querySelectorAll("select[data-autosubmit]").forEach((sel) => {
  sel.addEventListener("change", () => sel.form.requestSubmit());
});

// Timeline brushing: press on a bar, drag across others, release: the page narrows to those dates.
// A press and release on one bar is an ordinary click on its link.
document.querySelectorAll("figure.timeline").forEach((fig) => {
  const bars = Array.from(fig.querySelectorAll("a.bar"));
  const path = fig.dataset.path;
  const params = JSON.parse(fig.dataset.params || "{}");
  let from = null, to = null;
  const mark = () => {
    const [a, b] = from <= to ? [from, to] : [to, from];
    bars.forEach((bar, i) => bar.classList.toggle("brushing", from !== null && i >= a && i <= b));
  };
  bars.forEach((bar, i) => {
    bar.addEventListener("mousedown", (ev) => { ev.preventDefault(); from = to = i; mark(); });
    bar.addEventListener("mouseenter", () => { if (from !== null) { to = i; mark(); } });
    bar.addEventListener("click", (ev) => { if (fig.dataset.dragged === "1") ev.preventDefault(); });
  });
  document.addEventListener("mouseup", () => {
    if (from === null) return;
    const [a, b] = from <= to ? [from, to] : [to, from];
    from = to = null;
    if (a === b) { fig.dataset.dragged = "0"; mark(); return; }  // a click: the link does it
    fig.dataset.dragged = "1";
    const p = new URLSearchParams(params);
    p.set("since", bars[a].dataset.start);
    p.set("until", bars[b].dataset.end);
    p.delete("page");
    if (path === "/timeline") {
      const here = new URLSearchParams(window.location.search);
      for (const k of ["by", "unit"]) if (here.get(k)) p.set(k, here.get(k));
    }
    window.location.assign(path + "?" + p.toString());
  });
});
