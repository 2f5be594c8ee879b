// corroborate web reader: actions menus and the ingest form. No framework, no build step.
// Every piece of data is put in the page with textContent, never as HTML.
"use strict";

(function () {
  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    }
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  async function callJson(url, options) {
    const response = await fetch(url, Object.assign({ credentials: "same-origin" }, options));
    let body = null;
    try {
      body = await response.json();
    } catch (err) {
      body = { ok: false, error: "the server sent no JSON (" + response.status + ")", status: response.status };
    }
    if (!response.ok && body && body.ok !== false) {
      body = { ok: false, error: "request failed", status: response.status };
    }
    return body;
  }

  // -- actions menu -----------------------------------------------------------------
  function setupMenu(box) {
    const button = box.querySelector(".actions-button");
    const menu = box.querySelector(".actions-menu");
    const items = Array.from(menu.querySelectorAll("[role=menuitem]"));
    const result = box.nextElementSibling;

    function open(focusFirst) {
      menu.hidden = false;
      button.setAttribute("aria-expanded", "true");
      if (focusFirst && items.length) items[0].focus();
    }
    function close(focusButton) {
      menu.hidden = true;
      button.setAttribute("aria-expanded", "false");
      if (focusButton) button.focus();
    }
    button.addEventListener("click", function () {
      if (menu.hidden) open(true); else close(false);
    });
    button.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); open(true); }
    });
    menu.addEventListener("keydown", function (event) {
      const index = items.indexOf(document.activeElement);
      if (event.key === "Escape") { event.preventDefault(); close(true); }
      else if (event.key === "ArrowDown") { event.preventDefault(); items[(index + 1) % items.length].focus(); }
      else if (event.key === "ArrowUp") { event.preventDefault(); items[(index - 1 + items.length) % items.length].focus(); }
      else if (event.key === "Home") { event.preventDefault(); items[0].focus(); }
      else if (event.key === "End") { event.preventDefault(); items[items.length - 1].focus(); }
      else if (event.key === "Tab") { close(false); }
    });
    document.addEventListener("click", function (event) {
      if (!box.contains(event.target)) close(false);
    });
    items.forEach(function (item) {
      item.addEventListener("click", function () {
        close(true);
        runAction(item.dataset.action, box.dataset.target, result);
      });
    });
  }

  async function runAction(name, target, result) {
    result.hidden = false;
    result.replaceChildren(el("p", { class: "running" }, "Running " + name + "…"));
    result.setAttribute("aria-busy", "true");
    const body = await callJson("/api/actions/" + encodeURIComponent(name), {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ target: target, options: {} }),
    });
    result.removeAttribute("aria-busy");
    result.replaceChildren(renderResult(name, body));
  }

  function citeLinks(citations, sources) {
    const span = el("span", { class: "cites" });
    (citations || []).forEach(function (c) {
      const source = sources[c.article_id + "#" + c.sentence_index];
      const label = (source ? source.outlet : c.article_id) + " §" + (c.sentence_index + 1);
      const link = el("a", { class: "cite", href: "/articles/" + encodeURIComponent(c.article_id) + "#s" + c.sentence_index }, label);
      if (source) link.title = source.text;
      span.append(link, document.createTextNode(" "));
    });
    return span;
  }

  function renderText(block, sources, tag) {
    const node = el(tag || "p", { class: "result-text" + (block.flag ? " flag-" + block.flag : "") });
    if (block.label) node.append(el("span", { class: "label" }, block.label + ": "));
    node.append(document.createTextNode(block.text + " "));
    node.append(citeLinks(block.citations, sources));
    return node;
  }

  function renderResult(name, body) {
    const wrap = el("div", { class: "result", "data-action": name });
    if (!body || body.ok === false) {
      wrap.append(el("p", { class: "error-message" }, "Error " + (body ? body.status : "") + ": " + (body ? body.error : "no answer")));
      return wrap;
    }
    const sources = body.sources || {};
    wrap.append(el("h2", null, body.title));
    (body.blocks || []).forEach(function (block) {
      if (block.type === "text") {
        wrap.append(renderText(block, sources, "p"));
      } else if (block.type === "list") {
        if (block.title) wrap.append(el("h3", null, block.title));
        const list = el("ul");
        block.items.forEach(function (item) { list.append(renderText(item, sources, "li")); });
        if (!block.items.length) list.append(el("li", { class: "muted" }, "nothing"));
        wrap.append(list);
      } else if (block.type === "table") {
        if (block.title) wrap.append(el("h3", null, block.title));
        const scroller = el("div", { class: "table-wrap" });
        const table = el("table");
        const head = el("tr");
        block.columns.forEach(function (c) { head.append(el("th", { scope: "col" }, c)); });
        head.append(el("th", { scope: "col" }, "sources"));
        const thead = el("thead");
        thead.append(head);
        table.append(thead);
        const tbody = el("tbody");
        block.rows.forEach(function (row, i) {
          const tr = el("tr", block.row_flags && block.row_flags[i] ? { class: "flag-" + block.row_flags[i] } : null);
          row.forEach(function (cell) { tr.append(el("td", null, cell)); });
          const cites = el("td");
          cites.append(citeLinks((block.row_citations || [])[i], sources));
          tr.append(cites);
          tbody.append(tr);
        });
        table.append(tbody);
        scroller.append(table);
        wrap.append(scroller);
      }
    });
    (body.notes || []).forEach(function (note) { wrap.append(el("p", { class: "muted note" }, note)); });
    return wrap;
  }

  // -- ingest with progress ------------------------------------------------------------
  function setupIngest(form) {
    const panel = document.getElementById("ingest-progress");
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      panel.hidden = false;
      panel.replaceChildren(el("p", { class: "job-status" }, "Sending…"));
      const body = await callJson("/api/ingest", {
        method: "POST",
        headers: { "Accept": "application/json" },
        body: new FormData(form),
      });
      if (!body || body.ok === false) {
        panel.replaceChildren(el("p", { class: "error-message" }, "Error " + body.status + ": " + body.error));
        button.disabled = false;
        return;
      }
      await poll(body.job.id, panel);
      button.disabled = false;
    });
  }

  async function poll(jobId, panel) {
    for (;;) {
      const body = await callJson("/api/jobs/" + encodeURIComponent(jobId), { headers: { "Accept": "application/json" } });
      if (!body || body.ok === false) {
        panel.replaceChildren(el("p", { class: "error-message" }, body ? body.error : "lost the job"));
        return;
      }
      renderJob(body.job, panel);
      if (body.job.status === "done" || body.job.status === "failed") return;
      await new Promise(function (resolve) { setTimeout(resolve, 400); });
    }
  }

  function renderJob(job, panel) {
    const nodes = [];
    const status = el("p", { class: "job-status status-" + job.status }, job.status + (job.status === "done" || job.status === "failed" ? "" : " — " + job.phase));
    nodes.push(status);
    const bar = el("progress", { max: String(Math.max(job.progress.total, 1)), value: String(job.progress.done) });
    bar.textContent = job.progress.done + " of " + job.progress.total;
    nodes.push(bar);
    if (job.error) nodes.push(el("p", { class: "error-message" }, job.error));
    const list = el("ul", { class: "outcomes" });
    job.outcomes.forEach(function (o) {
      const li = el("li", { class: "outcome outcome-" + o.status });
      li.append(el("span", { class: "badge badge-" + o.status }, o.status), document.createTextNode(" "));
      if (o.article_id && o.status !== "link") {
        li.append(el("a", { href: "/articles/" + encodeURIComponent(o.article_id) }, o.title || o.article_id));
        if (o.story) {
          li.append(document.createTextNode(" in "), el("a", { href: "/stories/" + encodeURIComponent(o.story) }, "story " + o.story));
        }
      } else {
        li.append(document.createTextNode(o.input + ": " + (o.reason || "")));
      }
      list.append(li);
    });
    nodes.push(list);
    panel.replaceChildren.apply(panel, nodes);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".actions").forEach(setupMenu);
    const form = document.getElementById("ingest-form");
    if (form) setupIngest(form);
  });
})();
