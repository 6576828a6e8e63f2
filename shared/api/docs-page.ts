/**
 * Renders the OpenAPI document as a self-contained HTML reference on the server: no CDN, no
 * script (the machine running it may have no internet, and the CSP forbids scripts anyway).
 */
type Json = Record<string, unknown>;

const escapeHtml = (text: string) =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

const anchor = (text: string) => text.replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();

/** A schema as compact JSON, with `$ref`s turned into links to the schema section. */
function renderSchema(schema: unknown): string {
  const json = escapeHtml(JSON.stringify(schema, null, 2));
  return `<pre>${json.replace(
    /&quot;#\/components\/schemas\/([A-Za-z0-9_]+)&quot;/g,
    (_, id: string) => `<a href="#schema-${anchor(id)}">${id}</a>`,
  )}</pre>`;
}

function renderOperation(method: string, path: string, op: Json, accessOverride?: string): string {
  const parameters = (op.parameters as Json[] | undefined) ?? [];
  const responses = (op.responses as Record<string, Json>) ?? {};
  const publicRoute = Array.isArray(op.security) && op.security.length === 0;
  const access =
    accessOverride ?? (publicRoute ? 'public' : op['x-required-group'] === 'admin' ? 'admin token' : 'customer token');
  const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
  const id = `op-${anchor(String(op.operationId))}`;
  return `<section class="op" id="${id}">
<h3><span class="m m-${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(String(op.summary ?? ''))} <span class="auth">${access}</span></p>
${
  parameters.length
    ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>description</th></tr>${parameters
        .map(
          (p) =>
            `<tr><td><code>${escapeHtml(String(p.name))}</code></td><td>${escapeHtml(String(p.in))}</td><td>${p.required ? 'yes' : 'no'}</td><td>${escapeHtml(String(p.description ?? ''))}</td></tr>`,
        )
        .join('')}</table>`
    : ''
}
${body ? `<h4>Request body</h4>${renderSchema(body['application/json']?.schema)}` : ''}
<h4>Responses</h4><dl>${Object.entries(responses)
    .map(([status, response]) => {
      const content = response.content as Record<string, Json> | undefined;
      const [type, media] = Object.entries(content ?? {})[0] ?? [];
      return `<dt>${status} <small>${escapeHtml(type ?? '')}</small></dt><dd>${escapeHtml(String(response.description ?? ''))}${
        media?.schema && type === 'application/json' ? renderSchema(media.schema) : ''
      }</dd>`;
    })
    .join('')}</dl>
</section>`;
}

export function renderDocsPage(document: Json): string {
  const info = document.info as Json;
  const paths = document.paths as Record<string, Record<string, Json>>;
  const schemas = ((document.components as Json).schemas ?? {}) as Record<string, unknown>;
  const byTag = new Map<string, string[]>();
  const nav = new Map<string, string[]>();
  for (const [path, operations] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const tag = ((op.tags as string[] | undefined) ?? ['Other'])[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), renderOperation(method, path, op)]);
      nav.set(tag, [
        ...(nav.get(tag) ?? []),
        `<a href="#op-${anchor(String(op.operationId))}">${method.toUpperCase()} ${escapeHtml(path)}</a>`,
      ]);
    }
  }
  // The events Cartwheel POSTs to webhook endpoints (the document's `webhooks`), under their own tag.
  const webhooks = (document.webhooks ?? {}) as Record<string, Record<string, Json>>;
  for (const [type, operations] of Object.entries(webhooks)) {
    for (const [method, op] of Object.entries(operations)) {
      byTag.set('Events', [
        ...(byTag.get('Events') ?? []),
        renderOperation(method, type, op, 'sent to your endpoint, signed'),
      ]);
      nav.set('Events', [
        ...(nav.get('Events') ?? []),
        `<a href="#op-${anchor(String(op.operationId))}">${escapeHtml(type)}</a>`,
      ]);
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(String(info.title))} API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;display:flex;color:#1d232a}
nav{width:290px;flex:none;height:100vh;position:sticky;top:0;overflow:auto;background:#f4f6f8;padding:1rem;box-sizing:border-box;font-size:13px}
nav a{display:block;color:#1d4ed8;text-decoration:none;padding:1px 0}nav h2{font-size:13px;text-transform:uppercase;margin:1rem 0 .3rem}
main{padding:1.5rem 2rem;max-width:980px;overflow:auto}
.op{border-top:1px solid #dde2e7;padding:.6rem 0}.m{display:inline-block;min-width:4.2em;text-align:center;border-radius:4px;color:#fff;font-size:12px;padding:2px 6px}
.m-get{background:#2563eb}.m-post{background:#16a34a}.m-put{background:#b45309}.m-patch{background:#7c3aed}.m-delete{background:#dc2626}
.auth{font-size:12px;background:#eef2f7;border-radius:4px;padding:1px 6px;margin-left:.4rem}
pre{background:#0f172a;color:#e2e8f0;padding:.7rem;border-radius:6px;overflow:auto;font-size:12px}pre a{color:#93c5fd}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #dde2e7;padding:3px 8px;text-align:left}dt{font-weight:600;margin-top:.4rem}
</style></head><body>
<nav><strong>${escapeHtml(String(info.title))}</strong> <small>${escapeHtml(String(info.version))}</small>
${[...nav].map(([tag, links]) => `<h2>${escapeHtml(tag)}</h2>${links.join('')}`).join('')}
<h2>Schemas</h2>${Object.keys(schemas)
    .map((id) => `<a href="#schema-${anchor(id)}">${escapeHtml(id)}</a>`)
    .join('')}
<h2>Machine-readable</h2><a href="/v1/openapi.json">openapi.json</a></nav>
<main><h1>${escapeHtml(String(info.title))} API reference</h1><p>${escapeHtml(String(info.description))}</p>
${[...byTag].map(([tag, ops]) => `<h2 id="tag-${anchor(tag)}">${escapeHtml(tag)}</h2>${ops.join('')}`).join('')}
<h2>Schemas</h2>${Object.entries(schemas)
    .map(
      ([id, schema]) =>
        `<section id="schema-${anchor(id)}"><h3>${escapeHtml(id)}</h3>${renderSchema(schema)}</section>`,
    )
    .join('')}
</main></body></html>`;
}
