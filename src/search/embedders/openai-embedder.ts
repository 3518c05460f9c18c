import { EmbedderError, l2Normalize, TextEmbedder } from './embedder.js';

export interface OpenAiEmbedderOptions {
  /** Base URL up to and including `/v1` (the `/embeddings` path is appended). */
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey: string | null;
  readonly batchSize?: number;
  readonly maxRetries?: number;
  /** First retry delay; doubles each attempt, or follows Retry-After. */
  readonly retryDelayMs?: number;
  readonly timeoutMs?: number;
}

interface EmbeddingsResponse {
  data?: { index?: number; embedding?: unknown }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Any OpenAI-compatible `/embeddings` endpoint (OpenAI, Ollama, TEI, vLLM), with batching and retries. */
export class OpenAiEmbedder extends TextEmbedder {
  readonly id: string;
  private dims: number | null = null;

  constructor(private readonly options: OpenAiEmbedderOptions) {
    super();
    this.id = `openai:${options.baseUrl}#${options.model}`;
  }

  get dimensions(): number {
    if (this.dims === null) throw new EmbedderError('the embedding size is known after the first request (call probe() first)');
    return this.dims;
  }

  /** Asks the endpoint for one embedding to learn the vector size. */
  async probe(): Promise<number> {
    if (this.dims === null) await this.embedTexts(['dimension probe']);
    return this.dims!;
  }

  protected async embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    const batchSize = this.options.batchSize ?? 64;
    const out: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += batchSize) out.push(...(await this.request(texts.slice(i, i + batchSize))));
    return out;
  }

  private async request(input: readonly string[]): Promise<Float32Array[]> {
    const maxRetries = this.options.maxRetries ?? 4;
    let delay = this.options.retryDelayMs ?? 500;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${this.options.baseUrl}/embeddings`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
          },
          body: JSON.stringify({ model: this.options.model, input }),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
        });
      } catch (error) {
        if (attempt >= maxRetries) throw new EmbedderError(`embedding request to ${this.options.baseUrl} failed: ${String(error)}`);
        await sleep(delay);
        delay *= 2;
        continue;
      }
      if (response.ok) return this.parse(input.length, (await response.json()) as EmbeddingsResponse);
      const body = (await response.text()).slice(0, 300);
      const retryable = response.status === 429 || response.status >= 500;
      if (!retryable || attempt >= maxRetries) {
        throw new EmbedderError(`embedding endpoint ${this.options.baseUrl} answered ${response.status}: ${body}`);
      }
      const retryAfter = Number(response.headers.get('retry-after'));
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : delay);
      delay *= 2;
    }
  }

  private parse(expected: number, body: EmbeddingsResponse): Float32Array[] {
    const data = body.data;
    if (!Array.isArray(data) || data.length !== expected) {
      throw new EmbedderError(`embedding endpoint returned ${Array.isArray(data) ? data.length : 'no'} embeddings for ${expected} inputs`);
    }
    const ordered = [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    return ordered.map((item) => {
      const values = item.embedding;
      if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'number')) {
        throw new EmbedderError('embedding endpoint returned a malformed embedding (expected an array of numbers)');
      }
      if (this.dims === null) this.dims = values.length;
      if (values.length !== this.dims) throw new EmbedderError(`embedding size changed from ${this.dims} to ${values.length}`);
      return l2Normalize(Float32Array.from(values as number[]));
    });
  }
}
