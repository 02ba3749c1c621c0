// The sandbox page: draws what the loopback Discord holds for the chosen member, follows its
// changes (server-sent events), and acts as that member through the loopback's own rules.
"use strict";

const $ = (id) => document.getElementById(id);
const view = { you: null, channel: null, state: null, messages: new Map(), events: null, modalOf: null };
const KINDS = { STRING: 3, INTEGER: 4, BOOLEAN: 5, USER: 6, CHANNEL: 7, ROLE: 8, MENTIONABLE: 9, NUMBER: 10, ATTACHMENT: 11 };

function notice(text) { $("notice").textContent = text; }

async function act(path, body) {
  const answer = await fetch(path, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ as: view.you, ...body }),
  });
  const reply = await answer.json().catch(() => ({ error: answer.statusText }));
  if (!answer.ok) notice(reply.error || "refused");
  return answer.ok ? reply : null;
}

async function load(memberId) {
  if (view.events) view.events.close();
  const answer = await fetch(`/sandbox/state?as=${memberId}`);
  const state = await answer.json();
  view.state = state;
  view.you = state.you;
  view.messages = new Map(state.messages.map((m) => [m.id, m]));
  if (!view.channel || !state.channels.some((c) => c.id === view.channel)) view.channel = state.channels[0].id;
  $("guild-name").textContent = state.guild.name;
  drawPeople(); drawChannels(); drawMessages(); drawCommands(state.commands);
  const params = new URLSearchParams({ as: view.you, cursor: state.cursor, requests: state.requests });
  view.events = new EventSource(`/sandbox/events?${params}`);
  view.events.addEventListener("message", (event) => changed(JSON.parse(event.data)));
  view.events.addEventListener("commands", (event) => drawCommands(JSON.parse(event.data)));
  view.events.addEventListener("modal", (event) => showModal(JSON.parse(event.data)));
  document.body.dataset.you = view.you;
  document.body.dataset.ready = "true";
}

function drawPeople() {
  const select = $("you");
  select.replaceChildren(...view.state.people.map((person) => {
    const option = new Option(person.moderator ? `${person.name} (moderator)` : person.name, person.id);
    option.selected = person.id === view.you;
    return option;
  }));
}

function drawChannels() {
  $("channels").replaceChildren(...view.state.channels.map((channel) => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = `# ${channel.name}`;
    button.setAttribute("aria-current", String(channel.id === view.channel));
    button.addEventListener("click", () => { view.channel = channel.id; drawChannels(); drawMessages(); });
    item.append(button);
    return item;
  }));
  const current = view.state.channels.find((c) => c.id === view.channel);
  $("channel-title").textContent = `# ${current.name}`;
}

function drawMessages() {
  const shown = [...view.messages.values()]
    .filter((m) => m.channel_id === view.channel && !m.deleted)
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  $("messages").innerHTML = shown.map((m) => m.html).join("");
}

function changed(message) {
  view.messages.set(message.id, message);
  if (message.channel_id !== view.channel) return;
  const old = document.getElementById(`m-${message.id}`);
  if (message.deleted) { if (old) old.remove(); return; }
  if (old) {
    const focused = document.activeElement && old.contains(document.activeElement)
      ? document.activeElement.dataset.customId : null;
    old.outerHTML = message.html;
    if (focused) {  // keep the keyboard where it was when the bot edits the message
      const again = document.getElementById(`m-${message.id}`).querySelector(`[data-custom-id="${CSS.escape(focused)}"]`);
      if (again && !again.disabled) again.focus();
    }
    return;
  }
  // a new message: put it in its place, without redrawing (and re-announcing) the others
  const later = [...$("messages").children].find((article) => BigInt(article.dataset.id) > BigInt(message.id));
  if (later) later.insertAdjacentHTML("beforebegin", message.html);
  else $("messages").insertAdjacentHTML("beforeend", message.html);
}

$("messages").addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-custom-id]");
  if (!button || button.disabled) return;
  notice("");
  await act("/sandbox/click", { message: button.dataset.message, custom_id: button.dataset.customId });
});

const FIRST_COMMAND = "practice";  // what a newcomer should try first

function drawCommands(commands) {
  const select = $("command");
  view.commands = commands;
  select.replaceChildren(...commands.map((c) => new Option(`/${c.name}`, c.name)));
  if (!commands.length) select.append(new Option("(the bot has registered no commands yet)", ""));
  // the command chosen last, kept across member switches; else /practice; else the first
  const wanted = [view.command, FIRST_COMMAND].find((name) => commands.some((c) => c.name === name));
  if (wanted) select.value = wanted;
  drawOptions();
}

function drawOptions() {
  const command = (view.commands || []).find((c) => c.name === $("command").value);
  $("command-description").textContent = command ? command.description : "";
  $("options").replaceChildren(...(command ? command.options.map(optionField) : []));
}

function choiceSelect(id, choices, required) {
  const select = document.createElement("select");
  select.id = id;
  if (!required) select.append(new Option("(none)", ""));
  for (const [name, value] of choices) select.append(new Option(name, value));
  return select;
}

function optionField(option) {
  const wrap = document.createElement("div");
  const id = `option-${option.name}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = option.required ? `${option.name} (required)` : option.name;
  const people = view.state.people.map((p) => [p.name, p.id]);
  const channels = view.state.channels.map((c) => [`#${c.name}`, c.id]);
  const roles = view.state.roles.map((r) => [`@${r.name}`, r.id]);
  let field;
  if (option.choices) field = choiceSelect(id, option.choices.map((c) => [c.name, c.value]), option.required);
  else if (option.type === KINDS.BOOLEAN) field = choiceSelect(id, [["true", "true"], ["false", "false"]], option.required);
  else if (option.type === KINDS.USER) field = choiceSelect(id, people, option.required);
  else if (option.type === KINDS.CHANNEL) field = choiceSelect(id, channels, option.required);
  else if (option.type === KINDS.ROLE) field = choiceSelect(id, roles, option.required);
  else if (option.type === KINDS.MENTIONABLE) field = choiceSelect(id, [...people, ...roles], option.required);
  else {
    field = document.createElement("input");
    field.id = id;
    if (option.type === KINDS.INTEGER || option.type === KINDS.NUMBER) {
      field.type = "number";
      field.step = option.type === KINDS.INTEGER ? "1" : "any";
      if (option.min_value !== undefined) field.min = option.min_value;
      if (option.max_value !== undefined) field.max = option.max_value;
    } else if (option.type === KINDS.ATTACHMENT) {
      field.disabled = true;
      field.placeholder = "files cannot be attached from the sandbox";
    } else {
      if (option.min_length !== undefined) field.minLength = option.min_length;
      if (option.max_length !== undefined) field.maxLength = option.max_length;
    }
  }
  field.required = Boolean(option.required);
  field.dataset.option = option.name;
  const hint = document.createElement("p");
  hint.className = "hint";
  hint.id = `${id}-hint`;
  hint.textContent = option.description || "";
  field.setAttribute("aria-describedby", hint.id);
  wrap.append(label, field);
  if (option.autocomplete && field.tagName === "INPUT") wrap.append(suggest(field, option.name));
  wrap.append(hint);
  return wrap;
}

// The bot's autocomplete suggestions in a list of our own (an ARIA combobox and listbox, as
// Discord's client shows them): picked by mouse, or by arrows and Enter; Escape closes it.
function suggest(field, name) {
  const list = document.createElement("ul");
  list.id = `${field.id}-suggestions`;
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", `suggestions for ${name}`);
  list.hidden = true;
  field.setAttribute("role", "combobox");
  field.setAttribute("aria-autocomplete", "list");
  field.setAttribute("aria-controls", list.id);
  field.setAttribute("aria-expanded", "false");
  const items = () => [...list.children];
  const close = () => {
    list.hidden = true;
    field.setAttribute("aria-expanded", "false");
    field.removeAttribute("aria-activedescendant");
  };
  const highlight = (item) => {
    for (const other of items()) other.setAttribute("aria-selected", String(other === item));
    if (item) { field.setAttribute("aria-activedescendant", item.id); item.scrollIntoView({ block: "nearest" }); }
  };
  const pick = (item) => { field.value = item.dataset.value; close(); field.focus(); };
  let asked = 0;
  field.addEventListener("input", async () => {
    const mine = ++asked;
    list.setAttribute("aria-busy", "true");  // the list shown is for what was typed before
    const reply = await act("/sandbox/autocomplete", {
      channel: view.channel, command: $("command").value, option: name, typed: field.value, options: typed(),
    });
    if (mine !== asked) return;
    list.setAttribute("aria-busy", "false");
    if (!reply) return;
    list.replaceChildren(...reply.choices.map((choice, index) => {
      const item = document.createElement("li");
      item.id = `${list.id}-${index}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.dataset.value = choice.value;
      item.textContent = choice.name;
      item.addEventListener("mousedown", (event) => event.preventDefault());  // keep the focus
      item.addEventListener("click", () => pick(item));
      return item;
    }));
    list.hidden = !reply.choices.length;
    field.setAttribute("aria-expanded", String(!list.hidden));
  });
  field.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    const all = items();
    const at = all.findIndex((item) => item.getAttribute("aria-selected") === "true");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight(all[(at + step + all.length) % all.length]);
    } else if (event.key === "Enter" && at >= 0) {
      event.preventDefault();  // picks the suggestion; a second Enter runs the command
      pick(all[at]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  field.addEventListener("blur", close);
  return list;
}

function typed() {
  const values = {};
  for (const field of $("options").querySelectorAll("[data-option]")) values[field.dataset.option] = field.value;
  return values;
}

$("command").addEventListener("change", () => { view.command = $("command").value; drawOptions(); });
$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  notice("");
  const reply = await act("/sandbox/command", { channel: view.channel, command: $("command").value, options: typed() });
  if (reply) notice(`/${$("command").value} sent`);
});
$("you").addEventListener("change", () => {
  const url = new URL(location.href);
  const person = view.state.people.find((p) => p.id === $("you").value);
  url.searchParams.set("as", person.name);
  history.replaceState(null, "", url);
  load(person.id);
});

function showModal({ interaction, modal }) {
  view.modalOf = interaction;
  $("modal-title").textContent = modal.title || "Form";
  const inputs = [];
  for (const row of modal.components || []) {
    const inner = row.type === 18 ? [{ ...row.component, label: row.label }] : row.components || [];
    inputs.push(...inner.filter((c) => c.type === 4));
  }
  $("modal-fields").replaceChildren(...inputs.map((input) => {
    const wrap = document.createElement("div");
    const label = document.createElement("label");
    label.htmlFor = `modal-${input.custom_id}`;
    label.textContent = input.label || input.custom_id;
    const field = document.createElement(input.style === 2 ? "textarea" : "input");
    field.id = `modal-${input.custom_id}`;
    field.dataset.customId = input.custom_id;
    field.required = input.required !== false;
    if (input.min_length !== undefined) field.minLength = input.min_length;
    if (input.max_length !== undefined) field.maxLength = input.max_length;
    field.placeholder = input.placeholder || "";
    field.value = input.value || "";
    wrap.append(label, field);
    return wrap;
  }));
  $("modal").showModal();
}

$("modal-cancel").addEventListener("click", () => $("modal").close());
$("modal-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const values = {};
  for (const field of $("modal-fields").querySelectorAll("[data-custom-id]")) values[field.dataset.customId] = field.value;
  $("modal").close();
  await act("/sandbox/modal", { interaction: view.modalOf, values });
});

(async () => {
  const wanted = new URLSearchParams(location.search).get("as");
  const people = await (await fetch("/sandbox/people")).json();
  const person = people.find((p) => p.name === wanted || p.id === wanted) || people[0];
  await load(person.id);
})();
