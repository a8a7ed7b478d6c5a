import { vi } from 'vitest';

export interface Call {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

type Reply = { status?: number; body?: unknown; contentType?: string };

/** A fetch stub answering by "METHOD /path" (path without /api/v1, with the query); records every call. */
export function mockApi(routes: Record<string, Reply | ((call: Call) => Reply)>) {
  const calls: Call[] = [];
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input).replace(/^\/api\/v1/, '');
    const method = init?.method ?? 'GET';
    const call: Call = {
      method,
      path: url,
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    const route = routes[`${method} ${url}`] ?? routes[`${method} ${url.split('?')[0]}`];
    if (!route) {
      return new Response(JSON.stringify({ title: 'Not found', detail: `no mock for ${method} ${url}` }),
        { status: 404, headers: { 'Content-Type': 'application/problem+json' } });
    }
    const r = typeof route === 'function' ? route(call) : route;
    const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? {});
    if (r.status === 204) {
      return new Response(null, { status: 204 });
    }
    return new Response(text, { status: r.status ?? 200, headers: { 'Content-Type': r.contentType ?? 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchStub);
  return calls;
}
