// The sandbox page: pick a persona, chat with the bot as them, move the sandbox clock.

import * as api from "./api.js";
import { ChatView, buttonLabel } from "./chat.js";
import { SandboxTime, wibDate, wibTime } from "./clock.js";

const PEKALONGAN = { latitude: -6.8886, longitude: 109.6753 };
const TOAST_MS = 2600;
const ACTION_MS = 5000; // Telegram shows "typing…" for 5 s at most
const USERS_POLL_MS = 2000;
const CLOCK_POLL_MS = 15000;
const COMMAND = /^(\/[A-Za-z0-9_]{1,32}(?:@\w+)?)(?:\s+([\s\S]*))?$/;
const ACTIONS = {
  typing: "mengetik… · typing…",
  upload_photo: "mengirim foto… · sending a photo…",
  upload_document: "mengirim berkas… · sending a file…",
  find_location: "mencari lokasi… · finding a location…",
};

const $ = (id) => document.getElementById(id);
const time = new SandboxTime();
const state = {
  personas: [],
  selected: null,
  chat: null,
  poll: null, // AbortController of the running long-poll
  seenVersion: new Map(),
  seenToasts: new Map(),
  hiddenKeyboard: null, // message_id of a one-time reply keyboard the person already used
  actionTimer: null,
  stick: true, // the message list is scrolled to its end: keep it there as the page changes
};

const view = new ChatView($("messages"), time, {
  press: (messageId, data) => act(() => api.press(state.selected.id, messageId, data)),
  command: (text) => sendText(text),
});

// --- personas -----------------------------------------------------------------------------------------

function initials(persona) {
  const words = persona.name.replace(/\(.*\)/, "").trim().split(/\s+/);
  return words.slice(0, 2).map((w) => w[0]).join("").toUpperCase();
}

function personaItem(persona) {
  const item = document.createElement("button");
  item.type = "button";
  item.className = `persona role-${persona.role}`;
  item.dataset.persona = persona.key;
  item.dataset.userId = String(persona.id);
  const avatar = document.createElement("span");
  avatar.className = "avatar";
  avatar.textContent = initials(persona);
  const text = document.createElement("span");
  text.className = "persona-text";
  const label = document.createElement("span");
  label.className = "persona-label";
  label.textContent = persona.label.id;
  const english = document.createElement("span");
  english.className = "persona-en";
  english.textContent = persona.label.en;
  const name = document.createElement("span");
  name.className = "persona-name";
  name.textContent = persona.name;
  text.append(label, english, name);
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.hidden = true;
  badge.textContent = "baru";
  item.append(avatar, text, badge);
  item.addEventListener("click", () => select(persona));
  return item;
}

function drawPersonas() {
  // The new-reporter button ends the list, so on a phone it is the last chip of the strip.
  $("personas").replaceChildren(...state.personas.map(personaItem), $("new-reporter"));
  markSelected();
}

function markSelected() {
  for (const item of $("personas").querySelectorAll(".persona")) {
    const selected = state.selected && item.dataset.userId === String(state.selected.id);
    item.classList.toggle("selected", Boolean(selected));
    item.setAttribute("aria-pressed", selected ? "true" : "false");
    if (selected) item.querySelector(".badge").hidden = true;
  }
}

function select(persona) {
  if (state.poll) state.poll.abort();
  state.selected = persona;
  state.chat = null;
  state.hiddenKeyboard = null;
  history.replaceState(null, "", `#${persona.key}`);
  view.reset();
  state.stick = true;
  // A toast answers the press of the persona who pressed: it must not linger over the next one's chat.
  $("toasts").replaceChildren();
  $("as-name").textContent = persona.name;
  $("as-label").textContent = `${persona.label.id} · ${persona.label.en}`;
  $("chat").dataset.role = persona.role;
  drawReplyKeyboard(null);
  $("text").focus();
  markSelected();
  follow(persona);
}

// --- the chat, kept current by long-polling -------------------------------------------------------------

async function follow(persona) {
  const controller = new AbortController();
  state.poll = controller;
  let version = -1;
  while (!controller.signal.aborted) {
    try {
      const chat =
        version < 0
          ? await api.chat(persona.id, controller.signal)
          : await api.pollChat(persona.id, version, controller.signal);
      if (controller.signal.aborted) return;
      if (version < 0 && !state.seenToasts.has(persona.id)) state.seenToasts.set(persona.id, chat.toasts.length);
      version = chat.version;
      show(chat);
      $("offline").hidden = true;
    } catch (error) {
      if (controller.signal.aborted) return;
      $("offline").hidden = false;
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  }
}

function show(chat) {
  const list = $("messages");
  const first = state.chat === null;
  state.chat = chat;
  state.seenVersion.set(chat.user.id, chat.version);
  const added = view.render(chat);
  if (first || state.stick || (added && chat.messages.at(-1)?.sender === "user")) {
    toBottom();
  }
  showAction(chat.action);
  showNewToasts(chat);
  drawReplyKeyboard(chat);
  const placeholder = chat.force_reply?.input_field_placeholder || chat.reply_keyboard?.input_field_placeholder;
  $("text").placeholder = placeholder || "Tulis pesan… · Write a message…";
}

// --- keeping the newest message in view ---------------------------------------------------------------
// A person reading the end of the chat keeps seeing it when the page changes under it: a reply keyboard
// opening below (the list gets shorter), a photo that loads after its message was drawn (the list gets
// longer). Scrolling up to read older messages lets go until they scroll back down.

function atBottom(list) {
  return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
}

function toBottom() {
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
  state.stick = true;
}

function keepNewestInView() {
  const list = $("messages");
  list.addEventListener("scroll", () => (state.stick = atBottom(list)), { passive: true });
  const follow = () => {
    if (state.stick) toBottom();
  };
  new ResizeObserver(follow).observe(list);
  list.addEventListener("load", follow, true); // an image's load does not bubble: caught on the way down
}

function showAction(action) {
  clearTimeout(state.actionTimer);
  $("status").textContent = action ? ACTIONS[action] || `${action}…` : "bot";
  $("status").classList.toggle("active", Boolean(action));
  if (action) state.actionTimer = setTimeout(() => showAction(null), ACTION_MS);
}

function showNewToasts(chat) {
  const seen = state.seenToasts.get(chat.user.id) ?? 0;
  for (const toast of chat.toasts.slice(seen)) {
    if (!toast.text) continue;
    if (toast.show_alert) alertBox(toast.text);
    else flash(toast.text);
  }
  state.seenToasts.set(chat.user.id, chat.toasts.length);
}

// --- the reply keyboard -------------------------------------------------------------------------------------

function drawReplyKeyboard(chat) {
  const area = $("reply-keyboard");
  const markup = chat?.reply_keyboard;
  const toggle = $("keyboard-toggle");
  if (!markup || !markup.keyboard) {
    area.hidden = true;
    toggle.hidden = true;
    area.replaceChildren();
    return;
  }
  toggle.hidden = false;
  area.hidden = state.hiddenKeyboard === markup.message_id;
  const rows = markup.keyboard.map((buttons) => {
    const line = document.createElement("div");
    line.className = "kb-row";
    for (const raw of buttons) {
      const button = typeof raw === "string" ? { text: raw } : raw;
      const node = document.createElement("button");
      node.type = "button";
      node.className = "kb-button";
      node.appendChild(buttonLabel(button.text));
      if (button.request_contact) node.classList.add("kb-contact");
      if (button.request_location) node.classList.add("kb-location");
      node.addEventListener("click", () => pressReply(markup, button));
      line.appendChild(node);
    }
    return line;
  });
  area.replaceChildren(...rows);
}

async function pressReply(markup, button) {
  if (button.request_location) {
    // The server's own request_location answer is a fixed point elsewhere: send Kota Pekalongan instead.
    if (markup.one_time_keyboard) state.hiddenKeyboard = markup.message_id;
    drawReplyKeyboard(state.chat);
    await act(() => api.send(state.selected.id, { type: "location", ...PEKALONGAN }));
    return;
  }
  await act(() => api.pressReply(state.selected.id, button.text));
}

// --- what the person does ------------------------------------------------------------------------------------

async function act(action) {
  try {
    return await action();
  } catch (error) {
    flash(`⚠️ ${error.message}`, true);
    return null;
  }
}

async function sendText(text) {
  if (!state.selected || !text.trim()) return;
  const command = COMMAND.exec(text.trim());
  const payload = command
    ? { type: "command", command: command[1], args: command[2] || "" }
    : { type: "text", text };
  if (!command && state.chat?.force_reply) payload.reply_to = state.chat.force_reply.message_id;
  await act(() => api.send(state.selected.id, payload));
}

function takeCaption() {
  const caption = $("text").value.trim();
  $("text").value = "";
  autosize();
  return caption || undefined;
}

function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

async function upload(input, kind) {
  const file = input.files[0];
  input.value = "";
  if (!file || !state.selected) return;
  const data = await readBase64(file);
  const payload =
    kind === "photo"
      ? { type: "photo", data_base64: data, caption: takeCaption() }
      : {
          type: "document",
          data_base64: data,
          file_name: file.name,
          mime_type: file.type || "application/octet-stream",
          caption: takeCaption(),
        };
  await act(() => api.send(state.selected.id, payload));
}

function autosize() {
  const box = $("text");
  box.style.height = "auto";
  box.style.height = `${Math.min(box.scrollHeight, 160)}px`;
}

async function submit() {
  const text = $("text").value;
  if (!text.trim()) return;
  $("text").value = "";
  autosize();
  await sendText(text);
}

// --- the command menu ----------------------------------------------------------------------------------------

async function toggleCommandMenu() {
  const menu = $("command-menu");
  if (!menu.hidden) {
    menu.hidden = true;
    return;
  }
  const commands = (await act(() => api.commands("id"))) || [];
  menu.replaceChildren(
    ...commands.map((command) => {
      const item = document.createElement("button");
      item.type = "button";
      item.className = "command-item";
      const name = document.createElement("span");
      name.className = "command-name";
      name.textContent = `/${command.command}`;
      const description = document.createElement("span");
      description.className = "command-description";
      description.textContent = command.description;
      item.append(name, description);
      item.addEventListener("click", () => {
        menu.hidden = true;
        sendText(`/${command.command}`);
      });
      return item;
    }),
  );
  menu.hidden = false;
}

// --- toasts and alerts ---------------------------------------------------------------------------------------

function flash(text, isError = false) {
  const toast = document.createElement("div");
  toast.className = isError ? "toast error" : "toast";
  toast.textContent = text;
  $("toasts").appendChild(toast);
  setTimeout(() => toast.remove(), TOAST_MS);
}

function alertBox(text) {
  $("alert-text").textContent = text;
  if (!$("alert").open) $("alert").showModal();
}

// --- the clock -------------------------------------------------------------------------------------------------

async function refreshClock() {
  const clock = await act(() => api.clock());
  if (clock) time.update(clock);
  tick();
}

function tick() {
  const now = time.now();
  $("clock-time").textContent = wibTime(now, true);
  $("clock-date").textContent = wibDate(now);
  const closed = $("clock-closed");
  closed.hidden = !time.closedReason;
  closed.textContent = time.closedReason ? `Hari libur · Closed: ${time.closedReason}` : "";
}

async function jump(days) {
  const clock = await act(() => api.jump(days));
  if (!clock) return;
  time.update(clock);
  tick();
  openClock(false);
  flash(`⏩ ${wibDate(time.now())}, ${wibTime(time.now())} WIB`);
}

// On a phone the clock is one line and its jumps fold away behind ⏩ (style.css); a jump folds them again.
function openClock(open) {
  $("clock").classList.toggle("open", open);
  $("clock-toggle").setAttribute("aria-expanded", String(open));
}

// --- other personas' unread changes ------------------------------------------------------------------------------

async function watchOthers() {
  const users = await api.users().catch(() => null);
  if (users?.some((user) => !state.personas.some((p) => p.id === user.id))) {
    // Someone added a new reporter in another tab.
    state.personas = (await api.personas().catch(() => null)) || state.personas;
    drawPersonas();
  }
  for (const user of users || []) {
    if (!state.seenVersion.has(user.id)) state.seenVersion.set(user.id, user.version);
    const item = $("personas").querySelector(`[data-user-id="${user.id}"]`);
    if (!item || (state.selected && user.id === state.selected.id)) continue;
    item.querySelector(".badge").hidden = user.version <= state.seenVersion.get(user.id);
  }
}

// --- start ---------------------------------------------------------------------------------------------------------

async function addNewReporter() {
  const persona = await act(() => api.newReporter());
  if (!persona) return;
  state.personas.push(persona);
  drawPersonas();
  select(persona);
}

function wire() {
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  $("text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  $("text").addEventListener("input", autosize);
  $("menu-button").addEventListener("click", toggleCommandMenu);
  $("share-contact").addEventListener("click", () => act(() => api.send(state.selected.id, { type: "contact" })));
  $("share-location").addEventListener("click", () =>
    act(() => api.send(state.selected.id, { type: "location", ...PEKALONGAN })),
  );
  $("send-photo").addEventListener("click", () => $("photo-input").click());
  $("send-document").addEventListener("click", () => $("document-input").click());
  $("photo-input").addEventListener("change", () => upload($("photo-input"), "photo"));
  $("document-input").addEventListener("change", () => upload($("document-input"), "document"));
  $("keyboard-toggle").addEventListener("click", () => {
    $("reply-keyboard").hidden = !$("reply-keyboard").hidden;
  });
  $("new-reporter").addEventListener("click", addNewReporter);
  $("clock-toggle").addEventListener("click", () => openClock(!$("clock").classList.contains("open")));
  keepNewestInView();
  for (const button of document.querySelectorAll("[data-jump]")) {
    button.addEventListener("click", () => jump(Number(button.dataset.jump)));
  }
  document.addEventListener("click", (event) => {
    const menu = $("command-menu");
    if (!menu.hidden && !menu.contains(event.target) && event.target !== $("menu-button")) menu.hidden = true;
  });
}

async function main() {
  wire();
  await refreshClock();
  setInterval(tick, 1000);
  setInterval(refreshClock, CLOCK_POLL_MS);
  state.personas = await api.personas();
  drawPersonas();
  const wanted = decodeURIComponent(location.hash.slice(1));
  select(state.personas.find((p) => p.key === wanted) || state.personas[0]);
  await watchOthers();
  setInterval(watchOthers, USERS_POLL_MS);
  document.body.dataset.ready = "true";
}

main();
