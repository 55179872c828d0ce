// The demo page: three panes (a woman's phone, the staff group, an outsider) drawn from
// /api/state, which the page long-polls. Every text from the chats goes into the page
// with textContent or as attribute values, never as HTML.
"use strict";

const state = { data: null, stamp: "", seenToasts: new Set(), lastSeen: {} };
const panes = {};

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

async function post(path, body) {
  const isForm = body instanceof FormData;
  const response = await fetch(path, {
    method: "POST",
    headers: isForm ? { "X-Demo": "1" } : { "X-Demo": "1", "Content-Type": "application/json" },
    body: isForm ? body : JSON.stringify(body),
  });
  let answer = {};
  try { answer = await response.json(); } catch (e) { answer = { ok: false, error: String(e) }; }
  return answer;
}

// ── Formatting: Telegram's entities (offsets in UTF-16 units, as JavaScript strings) ──

const SAFE_URL = /^(https?:|tg:|mailto:)/i;

function entityNode(entity, text) {
  switch (entity.type) {
    case "bold": return el("b");
    case "italic": return el("i");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "code": return el("code");
    case "pre": return el("pre");
    case "spoiler": return el("span", "spoiler");
    case "blockquote":
    case "expandable_blockquote": return el("span", "quote");
    case "text_link":
    case "url": {
      const href = entity.type === "url" ? text : entity.url;
      if (!SAFE_URL.test(href || "")) return el("span", "link");
      const a = el("a");
      a.href = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      return a;
    }
    case "bot_command": return el("span", "command");
    case "mention":
    case "text_mention":
    case "hashtag": return el("span", "mention");
    default: return null;
  }
}

function formatted(text, entities, onCommand) {
  const fragment = document.createDocumentFragment();
  if (!text) return fragment;
  const cuts = new Set([0, text.length]);
  for (const e of entities || []) {
    cuts.add(Math.max(0, Math.min(text.length, e.offset)));
    cuts.add(Math.max(0, Math.min(text.length, e.offset + e.length)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i], end = points[i + 1];
    let node = document.createTextNode(text.slice(start, end));
    for (const e of entities || []) {
      if (e.offset <= start && e.offset + e.length >= end) {
        const wrapper = entityNode(e, text.slice(e.offset, e.offset + e.length));
        if (!wrapper) continue;
        if (e.type === "bot_command" && onCommand) {
          const command = text.slice(e.offset, e.offset + e.length);
          wrapper.addEventListener("click", (ev) => { ev.stopPropagation(); onCommand(command); });
        }
        wrapper.appendChild(node);
        node = wrapper;
      }
    }
    fragment.appendChild(node);
  }
  return fragment;
}

// ── One pane ────────────────────────────────────────────────────────────────

class Pane {
  constructor(root, who) {
    this.root = root;
    this.who = who; // () => {user, chat}
    this.replyTo = null;
    this.topic = null; // null: every topic
    const body = document.getElementById("chat-template").content.cloneNode(true);
    root.appendChild(body);
    this.topics = root.querySelector(".topics");
    this.chat = root.querySelector(".chat");
    this.deleted = root.querySelector(".deleted-note");
    this.toast = root.querySelector(".toast");
    this.replying = root.querySelector(".replying");
    this.keyboard = root.querySelector(".reply-keyboard");
    this.menu = root.querySelector(".command-menu");
    this.form = root.querySelector(".composer");
    this.input = root.querySelector(".text");
    this.file = root.querySelector(".file");
    this.form.addEventListener("submit", (ev) => { ev.preventDefault(); this.sendTyped(); });
    root.querySelector(".cancel-reply").addEventListener("click", () => this.setReply(null));
    root.querySelector(".menu-button").addEventListener("click", () => {
      this.menu.hidden = !this.menu.hidden || this.menu.childElementCount === 0;
    });
    root.querySelector(".voice").addEventListener("click", () => this.sendMedia(null));
    this.file.addEventListener("change", () => {
      if (this.file.files.length) this.sendMedia(this.file.files[0]);
    });
  }

  async act(path, extra) {
    const answer = await post(path, { ...this.who(), ...extra });
    if (!answer.ok) this.showToast("⚠ " + (answer.error || "refused"));
    return answer;
  }

  async sendText(text) {
    const extra = { text };
    if (this.replyTo) extra.reply_to = this.replyTo.id;
    if (this.topic !== null && this.topic !== "general") extra.thread_id = this.topic;
    this.setReply(null);
    this.menu.hidden = true;
    return this.act("/api/text", extra);
  }

  sendTyped() {
    const text = this.input.value.trim();
    if (!text) return;
    this.input.value = "";
    this.sendText(text);
  }

  async sendMedia(file) {
    const form = new FormData();
    const who = this.who();
    form.append("user", who.user);
    form.append("chat", who.chat);
    const caption = this.input.value.trim();
    if (caption) form.append("caption", caption);
    if (this.replyTo) form.append("reply_to", this.replyTo.id);
    if (file) form.append("file", file, file.name);
    this.input.value = "";
    this.file.value = "";
    this.setReply(null);
    const answer = await post("/api/media", form);
    if (!answer.ok) this.showToast("⚠ " + (answer.error || "refused"));
  }

  setReply(message) {
    this.replyTo = message;
    this.replying.hidden = !message;
    if (message) {
      this.replying.querySelector(".replying-text").textContent =
        "↩ Respondiendo a (replying to): " + (message.text || message.caption || "[" + message.kind + "]").slice(0, 80);
      this.input.focus();
    }
  }

  showToast(text) {
    this.toast.textContent = text;
    this.toast.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => { this.toast.hidden = true; }, 4000);
  }

  render(view) {
    const nearBottom = this.chat.scrollHeight - this.chat.scrollTop - this.chat.clientHeight < 80;
    const key = String(view.id);
    const lastSeen = state.lastSeen[key] || 0;
    this.renderTopics(view);
    this.chat.replaceChildren();
    for (const message of view.messages) {
      if (this.topic !== null && (message.thread_id || "general") !== this.topic) continue;
      this.chat.appendChild(this.renderMessage(message));
    }
    if (view.messages.length === 0) {
      this.chat.appendChild(el("p", "empty", "Sin mensajes (no messages)"));
    }
    const newest = view.messages.length ? view.messages[view.messages.length - 1] : null;
    if (newest && newest.id > lastSeen && newest.from_bot && newest.force_reply) this.setReply(newest);
    if (this.replyTo && !view.messages.some((m) => m.id === this.replyTo.id)) this.setReply(null);
    state.lastSeen[key] = newest ? Math.max(newest.id, lastSeen) : lastSeen;
    this.deleted.hidden = view.deleted === 0;
    this.deleted.textContent = "🗑 " + view.deleted + " mensajes borrados (messages deleted)";
    this.renderKeyboard(view.keyboard);
    this.renderMenu(view.commands);
    for (const toast of view.toasts) {
      if (state.seenToasts.has(toast.id)) continue;
      state.seenToasts.add(toast.id);
      this.showToast((toast.alert ? "⚠ " : "") + toast.text);
    }
    if (nearBottom) this.chat.scrollTop = this.chat.scrollHeight;
  }

  renderTopics(view) {
    const threads = [...new Set(view.messages.map((m) => m.thread_id).filter((t) => t))];
    this.topics.hidden = threads.length === 0;
    if (!threads.length) { this.topic = null; return; }
    this.topics.replaceChildren();
    const choices = [[null, "Todos (all)"], ["general", "General"], ...threads.map((t) => [t, "Tema (topic) " + t])];
    for (const [value, label] of choices) {
      const button = el("button", value === this.topic ? "topic active" : "topic", label);
      button.type = "button";
      button.addEventListener("click", () => { this.topic = value; this.render(view); });
      this.topics.appendChild(button);
    }
  }

  renderMessage(m) {
    const who = this.who();
    const mine = !m.from_bot && m.from_id === who.user;
    const box = el("div", "msg " + (m.from_bot ? "bot" : "user") + (mine ? " mine" : ""));
    box.dataset.id = m.id;
    box.dataset.kind = m.kind;
    if (m.protected) box.classList.add("protected");
    if (!m.from_bot || !mine) box.appendChild(el("div", "sender", m.sender));
    if (m.reply_to) box.appendChild(el("div", "reply-quote", "↩ " + m.reply_to.snippet));
    if (m.media) box.appendChild(this.renderMedia(m.media));
    const onCommand = (command) => this.sendText(command);
    if (m.text !== null && m.text !== undefined) {
      const body = el("div", "text");
      body.appendChild(formatted(m.text, m.entities, onCommand));
      box.appendChild(body);
    }
    if (m.caption) {
      const body = el("div", "text caption");
      body.appendChild(formatted(m.caption, m.caption_entities, onCommand));
      box.appendChild(body);
    }
    for (const row of m.buttons) {
      const line = el("div", "button-row");
      for (const b of row) line.appendChild(this.renderButton(m, b));
      box.appendChild(line);
    }
    const meta = el("div", "meta");
    if (m.protected) meta.appendChild(el("span", "badge protected-badge", "🔒 protegido (protected)"));
    if (m.silent) meta.appendChild(el("span", "badge silent-badge", "🔕 silencioso (silent)"));
    if (m.edited) meta.appendChild(el("span", "badge edited-badge", "✏ editado (edited)"));
    meta.appendChild(el("span", "time", m.time));
    box.appendChild(meta);
    box.addEventListener("click", (ev) => {
      if (ev.target.closest("button, a, audio")) return;
      this.setReply(m);
    });
    return box;
  }

  renderButton(m, b) {
    if (b.url) {
      const a = el("a", "inline-btn", b.text + " ↗");
      a.href = b.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      return a;
    }
    const button = el("button", "inline-btn", b.text);
    button.type = "button";
    if (b.data === null || b.data === undefined) {
      button.disabled = true;
      return button;
    }
    button.dataset.callback = b.data;
    button.addEventListener("click", () => this.act("/api/press", { message_id: m.id, data: b.data }));
    return button;
  }

  renderMedia(media) {
    const src = media.file_id ? "/api/file/" + encodeURIComponent(media.file_id) : "";
    switch (media.kind) {
      case "photo": {
        const img = el("img", "photo");
        img.src = src;
        img.alt = "foto (photo)";
        return img;
      }
      case "voice":
      case "audio": {
        const wrap = el("div", "voice-note", "🎤 nota de voz (voice note) " + (media.duration ? media.duration + " s" : ""));
        const audio = el("audio");
        audio.controls = true;
        audio.preload = "none";
        audio.src = src;
        wrap.appendChild(audio);
        return wrap;
      }
      case "sticker": return el("div", "sticker", media.emoji);
      case "contact": return el("div", "attachment", "📇 " + media.label);
      case "location": return el("div", "attachment", "📍 " + media.label);
      case "venue": return el("div", "attachment", "📍 " + media.label);
      default: {
        const a = el("a", "attachment", "📄 " + (media.file_name || media.kind));
        a.href = src;
        a.download = media.file_name || "file";
        return a;
      }
    }
  }

  renderKeyboard(keyboard) {
    this.keyboard.replaceChildren();
    this.keyboard.hidden = !keyboard;
    this.input.placeholder = (keyboard && keyboard.placeholder) || "Mensaje (message)";
    if (!keyboard) return;
    for (const row of keyboard.rows) {
      const line = el("div", "button-row");
      for (const b of row) {
        const button = el("button", "reply-btn", b.text);
        button.type = "button";
        button.addEventListener("click", () => {
          if (b.contact) this.act("/api/contact", {});
          else if (b.location) this.act("/api/location", {});
          else this.sendText(b.text);
        });
        line.appendChild(button);
      }
      this.keyboard.appendChild(line);
    }
  }

  renderMenu(commands) {
    this.menu.replaceChildren();
    for (const c of commands) {
      const item = el("button", "command-item");
      item.type = "button";
      item.appendChild(el("b", "", "/" + c.command));
      item.appendChild(el("span", "", " " + c.description));
      item.addEventListener("click", () => this.sendText("/" + c.command));
      this.menu.appendChild(item);
    }
    if (!commands.length) this.menu.hidden = true;
  }
}

// ── The page ────────────────────────────────────────────────────────────────

const womanSelect = () => document.getElementById("woman-select");
const staffAs = () => document.getElementById("staff-as");

function fillSelect(select, people, keep) {
  const current = select.value;
  const wanted = people.map((p) => String(p.id)).join(",");
  if (select.dataset.people !== wanted) {
    select.replaceChildren();
    for (const p of people) {
      const option = el("option", "", p.label);
      option.value = String(p.id);
      select.appendChild(option);
    }
    select.dataset.people = wanted;
  }
  select.value = keep || current || (people[0] && String(people[0].id)) || "";
}

function render() {
  const data = state.data;
  if (!data) return;
  document.getElementById("now").textContent = data.now;
  const hours = data.shifted / 3600;
  document.getElementById("shifted").textContent =
    hours > 0 ? "(+" + (hours >= 48 ? (hours / 24).toFixed(1) + " d" : hours.toFixed(1) + " h") + ")" : "";
  document.getElementById("no-token").hidden = !data.no_token;
  document.getElementById("spec").textContent = data.spec_errors
    ? "⚠ " + data.spec_errors + " llamadas fuera de la especificación (Bot API spec violations)"
    : "";
  fillSelect(womanSelect(), data.people.filter((p) => p.role === "woman"));
  fillSelect(staffAs(), data.people.filter((p) => p.role !== "woman"));
  panes.woman.render(data.chats[womanSelect().value]);
  panes.staff.render(data.chats[String(data.staff_chat_id)]);
  panes.outsider.render(data.chats[String(data.outsider_id)]);
}

async function poll() {
  for (;;) {
    try {
      const response = await fetch("/api/state?stamp=" + encodeURIComponent(state.stamp));
      if (!response.ok) throw new Error("HTTP " + response.status);
      state.data = await response.json();
      state.stamp = state.data.stamp;
      render();
    } catch (e) {
      document.getElementById("clock-note").textContent = "Sin conexión con el demo (the demo is not answering)";
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
  }
}

function start() {
  panes.woman = new Pane(document.getElementById("pane-woman"), () => {
    const id = Number(womanSelect().value);
    return { user: id, chat: id };
  });
  panes.staff = new Pane(document.getElementById("pane-staff"), () => ({
    user: Number(staffAs().value), chat: state.data.staff_chat_id,
  }));
  panes.outsider = new Pane(document.getElementById("pane-outsider"), () => ({
    user: state.data.outsider_id, chat: state.data.outsider_id,
  }));
  womanSelect().addEventListener("change", () => { panes.woman.setReply(null); render(); });
  staffAs().addEventListener("change", render);
  document.getElementById("new-woman").addEventListener("click", async () => {
    const answer = await post("/api/woman", {});
    if (answer.ok) {
      state.stamp = "";
      fillSelect(womanSelect(), [...state.data.people.filter((p) => p.role === "woman"), { id: answer.id, label: answer.label }], String(answer.id));
    }
  });
  for (const button of document.querySelectorAll("[data-step]")) {
    button.addEventListener("click", async () => {
      const note = document.getElementById("clock-note");
      note.textContent = "…";
      const answer = await post("/api/clock", { step: button.dataset.step });
      note.textContent = answer.ok ? "→ " + answer.now : (answer.message || answer.error || "");
    });
  }
  poll();
}

document.addEventListener("DOMContentLoaded", start);
