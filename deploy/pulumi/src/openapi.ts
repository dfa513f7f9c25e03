/** An HTTP API route key: `GET /todos/{id}`. */
export type RouteKey = string;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * The route keys of an OpenAPI 3 document (`paths` × operations), in the document's order.
 * OpenAPI's path templates (`/todos/{id}`) are already HTTP API's route syntax.
 */
export function routeKeys(owner: string, document: unknown): RouteKey[] {
  const doc = document as { openapi?: unknown; paths?: unknown } | null;
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error(`${owner}: the OpenAPI document is not a JSON object`);
  }
  if (typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.')) {
    throw new Error(`${owner}: the OpenAPI document has no 'openapi: 3.x' version`);
  }
  if (doc.paths === null || typeof doc.paths !== 'object' || Array.isArray(doc.paths)) {
    throw new Error(`${owner}: the OpenAPI document has no 'paths' object`);
  }
  const keys: RouteKey[] = [];
  for (const [p, item] of Object.entries(doc.paths as Record<string, unknown>)) {
    if (!p.startsWith('/')) throw new Error(`${owner}: OpenAPI path '${p}' does not start with '/'`);
    if (item === null || typeof item !== 'object') throw new Error(`${owner}: OpenAPI path '${p}' is not an object`);
    for (const method of Object.keys(item as object)) {
      if (METHODS.includes(method)) keys.push(`${method.toUpperCase()} ${p}`);
    }
  }
  if (keys.length === 0) throw new Error(`${owner}: the OpenAPI document has no operations (no route to expose)`);
  return keys;
}
