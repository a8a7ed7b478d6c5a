// The console's only way to the server: the admin API under /api/v1, with the session cookie the server set at
// sign-in (HttpOnly, so never visible here) and, on state-changing calls, the session's CSRF token in a header.
// Every failure becomes an ApiError with a readable message (RFC 9457 problem details: title and detail).

export const CSRF_HEADER = 'X-Tandem-CSRF';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The problem document as sent (its extension members, e.g. a flow save's problems), when there was one. */
  readonly problem?: Record<string, unknown>;

  constructor(status: number, code: string, message: string, problem?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.problem = problem;
  }
}

export type Role = 'viewer' | 'operator' | 'admin';

export interface Session {
  name: string;
  role: Role;
  csrfToken: string;
  expiresAt: string;
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a call answers 401: the session ended (expired, signed out elsewhere, token revoked). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

export function allows(role: Role, needed: Role): boolean {
  const order: Role[] = ['viewer', 'operator', 'admin'];
  return order.indexOf(role) >= order.indexOf(needed);
}

async function problemOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const p = JSON.parse(text) as { title?: string; detail?: string; code?: string; type?: string; problems?: string[] };
    if (Array.isArray(p.problems) && p.problems.length > 0 && !p.title) {
      return new ApiError(response.status, 'refused', `Refused: ${p.problems.join('; ')}`);
    }
    const title = p.title ?? `HTTP ${response.status}`;
    const detail = p.detail ? `: ${p.detail}` : '';
    return new ApiError(response.status, p.code ?? String(p.type ?? 'http_' + response.status), `${title}${detail}`,
      p as Record<string, unknown>);
  } catch {
    const what = text.trim().length > 0 && text.length < 200 ? `: ${text.trim()}` : '';
    return new ApiError(response.status, `http_${response.status}`,
      `The server answered HTTP ${response.status} ${response.statusText}${what}`.trim());
  }
}

/** Calls {@code method path} of /api/v1 and returns the JSON answer; throws an ApiError with a readable message. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) {
    headers[CSRF_HEADER] = csrfToken;
  }
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'unreachable', `Tandem cannot be reached (${e instanceof Error ? e.message : String(e)}); `
      + 'is the server running?');
  }
  if (!response.ok) {
    const error = await problemOf(response);
    if (response.status === 401 && onUnauthorized && path !== '/session') {
      onUnauthorized();
    }
    throw error;
  }
  if (response.status === 204) {
    return undefined as T;
  }
  const text = await response.text();
  try {
    return (text.length === 0 ? undefined : JSON.parse(text)) as T;
  } catch {
    throw new ApiError(response.status, 'not_json', `The server's answer to ${method} ${path} is not JSON`);
  }
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
