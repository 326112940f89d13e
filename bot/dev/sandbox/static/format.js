// Message text + Telegram entities → DOM nodes. Text only ever enters the page through text nodes
// (never innerHTML), so markup inside a message is shown, not run.

const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:", "tel:", "tg:"]);

// Entities are offsets in UTF-16 code units, which is what JavaScript strings index by.
export function renderFormatted(text, entities, { onCommand } = {}) {
  const root = document.createDocumentFragment();
  const usable = (entities || []).filter((e) => e && e.length > 0 && e.offset >= 0);
  usable.sort((a, b) => a.offset - b.offset || b.length - a.length);
  const cuts = new Set([0, text.length]);
  for (const e of usable) {
    cuts.add(Math.min(e.offset, text.length));
    cuts.add(Math.min(e.offset + e.length, text.length));
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  // Overlapping entities are closed and reopened so that the nodes always nest.
  let open = []; // [{ entity, node }]
  for (let i = 0; i + 1 < bounds.length; i += 1) {
    const start = bounds[i];
    const end = bounds[i + 1];
    const wanted = usable.filter((e) => e.offset <= start && e.offset + e.length >= end);
    let keep = 0;
    while (keep < open.length && keep < wanted.length && open[keep].entity === wanted[keep]) keep += 1;
    open = open.slice(0, keep);
    for (const entity of wanted.slice(keep)) {
      const parent = open.length ? open[open.length - 1].node : root;
      const node = elementFor(entity, text.slice(entity.offset, entity.offset + entity.length), onCommand);
      parent.appendChild(node.outer);
      open.push({ entity, node: node.inner });
    }
    const parent = open.length ? open[open.length - 1].node : root;
    parent.appendChild(document.createTextNode(text.slice(start, end)));
  }
  return root;
}

function elementFor(entity, covered, onCommand) {
  const simple = {
    bold: "b",
    italic: "i",
    underline: "u",
    strikethrough: "s",
    code: "code",
  }[entity.type];
  if (simple) return single(document.createElement(simple));
  switch (entity.type) {
    case "pre": {
      const pre = document.createElement("pre");
      const code = document.createElement("code");
      if (entity.language) code.dataset.language = entity.language;
      pre.appendChild(code);
      return { outer: pre, inner: code };
    }
    case "blockquote":
    case "expandable_blockquote": {
      const quote = document.createElement("blockquote");
      if (entity.type === "expandable_blockquote") {
        quote.className = "expandable";
        quote.addEventListener("click", () => quote.classList.toggle("expanded"));
      }
      return single(quote);
    }
    case "spoiler": {
      const span = document.createElement("span");
      span.className = "spoiler";
      span.title = "Ketuk untuk melihat · Tap to reveal";
      span.addEventListener("click", () => span.classList.add("revealed"), { once: true });
      return single(span);
    }
    case "text_link":
      return single(link(entity.url));
    case "url":
      return single(link(/^[a-z][a-z0-9+.-]*:/i.test(covered) ? covered : `http://${covered}`));
    case "email":
      return single(link(`mailto:${covered}`));
    case "phone_number":
      return single(link(`tel:${covered.replace(/[^0-9+]/g, "")}`));
    case "bot_command": {
      const span = document.createElement("span");
      span.className = "command";
      if (onCommand) {
        span.setAttribute("role", "button");
        span.tabIndex = 0;
        span.addEventListener("click", () => onCommand(covered));
      }
      return single(span);
    }
    default: {
      const span = document.createElement("span");
      span.className = `entity-${String(entity.type).replace(/[^a-z_]/g, "")}`;
      return single(span);
    }
  }
}

function single(node) {
  return { outer: node, inner: node };
}

export function link(url) {
  let parsed = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (!parsed || !SAFE_SCHEMES.has(parsed.protocol)) {
    const span = document.createElement("span");
    span.className = "bad-link";
    return span;
  }
  const anchor = document.createElement("a");
  anchor.href = parsed.href;
  anchor.target = "_blank";
  anchor.rel = "noopener noreferrer";
  return anchor;
}
