// Renders /api/openapi.json as a plain list of endpoints (no CDN, no framework).
"use strict";

document.addEventListener("DOMContentLoaded", async function () {
  const box = document.getElementById("endpoints");
  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  let spec;
  try {
    const response = await fetch("/api/openapi.json", { credentials: "same-origin" });
    spec = await response.json();
  } catch (err) {
    box.replaceChildren(el("p", { class: "error-message" }, "Could not load the OpenAPI document."));
    return;
  }
  const nodes = [];
  for (const [path, methods] of Object.entries(spec.paths || {})) {
    for (const [method, op] of Object.entries(methods)) {
      const section = el("section", { class: "endpoint" });
      const head = el("h2");
      head.append(el("span", { class: "method method-" + method }, method.toUpperCase()), document.createTextNode(" "), el("code", null, path));
      section.append(head);
      if (op.summary) section.append(el("p", null, op.summary));
      if (op.description) section.append(el("p", { class: "muted" }, op.description));
      const params = (op.parameters || []).map(function (p) {
        return p.name + " (" + p.in + (p.required ? ", required" : "") + ")" + (p.description ? ": " + p.description : "");
      });
      if (params.length) {
        const list = el("ul");
        params.forEach(function (p) { list.append(el("li", null, p)); });
        section.append(el("h3", null, "Parameters"), list);
      }
      const codes = Object.keys(op.responses || {});
      if (codes.length) section.append(el("p", { class: "muted" }, "Responses: " + codes.join(", ")));
      nodes.push(section);
    }
  }
  box.replaceChildren.apply(box, nodes);
});
