/** One GET timed from the request to the last byte of the body; rejects unless it answered 200 (and JSON if asked). */
export async function timedGet(url: string, expectJson: boolean): Promise<{ ms: number; mode: string | null }> {
  const started = performance.now();
  const response = await fetch(url);
  const body = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${body.slice(0, 200)}`);
  if (expectJson) JSON.parse(body);
  return { ms, mode: response.headers.get('x-search-mode') };
}
