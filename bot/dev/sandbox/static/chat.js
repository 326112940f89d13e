// One person's chat with the bot, drawn from the /sim Chat JSON. A message whose JSON did not change keeps
// its DOM node, so a revealed spoiler stays revealed and images are not fetched again.

import { fileUrl } from "./api.js";
import { wibDate, wibDayKey, wibTime } from "./clock.js";
import { link, renderFormatted } from "./format.js";

export class ChatView {
  constructor(container, time, actions) {
    this.container = container;
    this.time = time;
    this.actions = actions; // { press(messageId, callbackData), command(text) }
    this.nodes = new Map(); // message_id → { signature, node }
  }

  reset() {
    this.nodes.clear();
    this.container.replaceChildren();
  }

  // Returns true when a message was added (the caller decides whether to scroll).
  render(chat) {
    const byId = new Map(chat.messages.map((m) => [m.message_id, m]));
    const children = [];
    const kept = new Map();
    let added = false;
    let lastDay = null;
    for (const message of chat.messages) {
      const shownAt = this.time.shown(message.date);
      const day = wibDayKey(shownAt);
      if (day !== lastDay) {
        children.push(daySeparator(shownAt));
        lastDay = day;
      }
      const signature = JSON.stringify(message);
      let entry = this.nodes.get(message.message_id);
      if (!entry) added = true;
      if (!entry || entry.signature !== signature) {
        entry = { signature, node: this.messageNode(message, byId, chat) };
      }
      kept.set(message.message_id, entry);
      children.push(entry.node);
    }
    if (!chat.messages.length) children.push(emptyNote());
    this.nodes = kept;
    this.container.replaceChildren(...children);
    return added;
  }

  messageNode(message, byId, chat) {
    const row = el("div", `row ${message.sender}`);
    row.dataset.messageId = String(message.message_id);
    row.dataset.sender = message.sender;
    const bubble = el("div", "bubble");
    row.appendChild(bubble);
    if (message.reply_to_message_id) {
      bubble.appendChild(replyQuote(byId.get(message.reply_to_message_id), chat));
    }
    const media = mediaNode(message);
    if (media) bubble.appendChild(media);
    if (message.text) {
      const text = el("div", "text");
      text.appendChild(
        renderFormatted(message.text, message.entities, { onCommand: (command) => this.actions.command(command) }),
      );
      bubble.appendChild(text);
    }
    const meta = el("div", "meta");
    if (message.edit_date) meta.appendChild(el("span", "edited", "diedit · edited"));
    meta.appendChild(el("span", "time", wibTime(this.time.shown(message.date))));
    if (message.sender === "user") meta.appendChild(el("span", "ticks", "✓✓"));
    bubble.appendChild(meta);
    if (message.inline_keyboard) {
      row.classList.add("has-keyboard");
      row.appendChild(this.inlineKeyboard(message));
    }
    return row;
  }

  inlineKeyboard(message) {
    const keyboard = el("div", "inline-keyboard");
    for (const buttons of message.inline_keyboard) {
      const line = el("div", "kb-row");
      for (const button of buttons) line.appendChild(this.inlineButton(message, button));
      keyboard.appendChild(line);
    }
    return keyboard;
  }

  inlineButton(message, button) {
    if (button.url) {
      const anchor = link(button.url);
      anchor.classList.add("kb-button", "kb-url");
      anchor.append(buttonLabel(button.text), el("span", "kb-arrow", "↗"));
      return anchor;
    }
    const node = el("button", "kb-button");
    node.appendChild(buttonLabel(button.text));
    node.type = "button";
    if (button.callback_data === undefined) {
      node.disabled = true;
      node.title = "Tidak didukung di sandbox · Not supported in the sandbox";
      return node;
    }
    node.addEventListener("click", async () => {
      node.classList.add("pending");
      try {
        await this.actions.press(message.message_id, button.callback_data);
      } finally {
        setTimeout(() => node.classList.remove("pending"), 600);
      }
    });
    return node;
  }
}

// Telegram's phone apps draw a button's label on one line and cut it with "…": so does the page (style.css),
// so that a label too long for a phone shows here too.
export function buttonLabel(text) {
  return el("span", "kb-label", text);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function daySeparator(epoch) {
  const wrap = el("div", "day");
  wrap.appendChild(el("span", "", wibDate(epoch)));
  return wrap;
}

function emptyNote() {
  const note = el("div", "empty");
  note.appendChild(el("p", "", "Belum ada pesan. Ketik /start untuk mulai."));
  note.appendChild(el("p", "secondary", "No messages yet. Type /start to begin."));
  return note;
}

function replyQuote(target, chat) {
  const quote = el("div", "reply-quote");
  if (!target) {
    quote.textContent = "Pesan dihapus · Deleted message";
    return quote;
  }
  const who = target.sender === "bot" ? chat.bot.first_name : chat.user.first_name;
  quote.appendChild(el("div", "reply-author", who));
  const summary = target.text || `[${target.kind}]`;
  quote.appendChild(el("div", "reply-text", summary.length > 90 ? `${summary.slice(0, 90)}…` : summary));
  return quote;
}

function fileCard(icon, title, subtitle, fileId) {
  const card = el(fileId ? "a" : "div", "file-card");
  if (fileId) {
    card.href = fileUrl(fileId);
    card.target = "_blank";
    card.rel = "noopener noreferrer";
  }
  card.appendChild(el("span", "file-icon", icon));
  const body = el("span", "file-body");
  body.appendChild(el("span", "file-title", title));
  if (subtitle) body.appendChild(el("span", "file-sub", subtitle));
  card.appendChild(body);
  return card;
}

function size(bytes) {
  if (!bytes) return "";
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1048576).toFixed(1)} MB`;
}

function duration(seconds) {
  const s = Number(seconds) || 0;
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function mediaNode(message) {
  const media = message.media;
  switch (message.kind) {
    case "text":
      return null;
    case "photo": {
      const largest = media[media.length - 1];
      const anchor = el("a", "photo");
      anchor.href = fileUrl(largest.file_id);
      anchor.target = "_blank";
      anchor.rel = "noopener noreferrer";
      const image = el("img");
      image.src = fileUrl(largest.file_id);
      image.alt = "Foto · Photo";
      image.width = largest.width;
      image.height = largest.height;
      anchor.appendChild(image);
      return anchor;
    }
    case "document":
      return fileCard("📄", media.file_name || "dokumen", size(media.file_size), media.file_id);
    case "location": {
      const where = `${media.latitude.toFixed(5)}, ${media.longitude.toFixed(5)}`;
      const card = fileCard("📍", "Lokasi · Location", where, null);
      const map = link(
        `https://www.openstreetmap.org/?mlat=${media.latitude}&mlon=${media.longitude}#map=17/${media.latitude}/${media.longitude}`,
      );
      map.className = "map-link";
      map.textContent = "Buka peta · Open map ↗";
      card.appendChild(map);
      return card;
    }
    case "venue":
      return fileCard("📍", media.title || "Tempat · Venue", media.address || "", null);
    case "contact": {
      const name = [media.first_name, media.last_name].filter(Boolean).join(" ");
      return fileCard("👤", name || "Kontak · Contact", media.phone_number, null);
    }
    case "sticker":
      return el("div", "sticker", media.emoji || "🖼️");
    case "voice":
      return fileCard("🎤", "Pesan suara · Voice message", duration(media.duration), media.file_id);
    case "audio":
      return fileCard("🎵", media.title || media.file_name || "Audio", duration(media.duration), media.file_id);
    case "video":
    case "animation":
      return fileCard("🎬", media.file_name || "Video", duration(media.duration), media.file_id);
    default:
      return fileCard("❔", "Pesan tidak didukung · Unsupported message", message.kind, null);
  }
}
