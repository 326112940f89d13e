// The sandbox's HTTP endpoints (same origin): /sim/... (the simulated Telegram) and /sandbox/... .

export class ApiError extends Error {}

async function call(path, options = {}) {
  const response = await fetch(path, { headers: { "Content-Type": "application/json" }, ...options });
  let body = null;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`HTTP ${response.status}`);
  }
  if (!body.ok) throw new ApiError(body.error || body.description || `HTTP ${response.status}`);
  return body.result;
}

export const getJSON = (path, signal) => call(path, { signal });
export const postJSON = (path, payload) => call(path, { method: "POST", body: JSON.stringify(payload) });

export const personas = () => getJSON("/sandbox/personas");
export const newReporter = () => postJSON("/sandbox/personas", {});
export const clock = () => getJSON("/sandbox/clock");
export const jump = (workingDays) => postJSON("/sandbox/clock", { working_days: workingDays });
export const commands = (language) => getJSON(`/sandbox/commands?language=${encodeURIComponent(language)}`);
export const users = () => getJSON("/sim/users");

export const chat = (userId, signal) => getJSON(`/sim/users/${userId}/chat`, signal);
export const pollChat = (userId, since, signal) =>
  getJSON(`/sim/users/${userId}/chat/poll?since=${since}&timeout=25`, signal);
export const send = (userId, payload) => postJSON(`/sim/users/${userId}/send`, payload);
export const press = (userId, messageId, button) =>
  postJSON(`/sim/users/${userId}/press`, { message_id: messageId, button });
export const pressReply = (userId, text) => postJSON(`/sim/users/${userId}/press_reply`, { text });
export const fileUrl = (fileId) => `/sim/files/${encodeURIComponent(fileId)}`;
