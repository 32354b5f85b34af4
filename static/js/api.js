// JSON calls to /api/v1 with the session cookie and the CSRF token header.

export class ApiError extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

export async function apiRequest(method, path, body, { signal } = {}) {
  const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
  const init = { method, headers, credentials: "same-origin", signal };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const message = data?.error?.message || `Something went wrong (HTTP ${response.status}).`;
    throw new ApiError(message, response.status, data);
  }
  return data;
}
