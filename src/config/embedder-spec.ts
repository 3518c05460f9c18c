/** Which embedder PAPERBOY_EMBEDDER selects. */
export type EmbedderSpec =
  | { readonly kind: 'builtin' }
  | { readonly kind: 'onnx'; readonly directory: string }
  | { readonly kind: 'openai'; readonly baseUrl: string; readonly model: string };

/** Parses `builtin`, `onnx:<dir>` or `openai:<base-url>#<model>`; returns an error message on bad input. */
export function parseEmbedderSpec(raw: string): EmbedderSpec | string {
  const value = raw.trim();
  if (value === 'builtin') return { kind: 'builtin' };
  if (value.startsWith('onnx:')) {
    const directory = value.slice('onnx:'.length);
    if (directory === '') return 'needs a model directory: onnx:/path/to/model';
    return { kind: 'onnx', directory };
  }
  if (value.startsWith('openai:')) {
    const rest = value.slice('openai:'.length);
    const hash = rest.lastIndexOf('#');
    if (hash <= 0 || hash === rest.length - 1)
      return 'must look like openai:<base-url>#<model>, e.g. openai:http://127.0.0.1:11434/v1#nomic-embed-text';
    const base = rest.slice(0, hash);
    let url: URL;
    try {
      url = new URL(base);
    } catch {
      return `has an invalid base URL "${base}"`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `base URL must use http or https (got "${url.protocol}")`;
    return { kind: 'openai', baseUrl: url.toString().replace(/\/+$/, ''), model: rest.slice(hash + 1) };
  }
  return `must be builtin, onnx:<dir> or openai:<base-url>#<model> (got "${value}")`;
}

export function describeEmbedderSpec(spec: EmbedderSpec): string {
  switch (spec.kind) {
    case 'builtin':
      return 'builtin';
    case 'onnx':
      return `onnx:${spec.directory}`;
    case 'openai':
      return `openai:${spec.baseUrl}#${spec.model}`;
  }
}
