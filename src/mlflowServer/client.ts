/**
 * A small client for an MLflow tracking server's REST API: Node's fetch plus a retry policy.
 * Calls that are safe to repeat (everything the push sends, see push.ts) are retried with
 * exponential backoff and jitter on 429, 5xx, timeouts and dropped connections, honouring
 * Retry-After. Errors carry a message for people: a wrong URL, a server that is not MLflow, an
 * endpoint the server is too old for, and which credential to set on 401/403.
 */
import type * as https from 'node:https';
import { type CredentialSource, type Credentials, authorizationHeader, credentialHint } from './credentials.ts';
import { type TlsOptions, httpsAgentOptions, httpsFetch } from './tlsTransport.ts';

export interface RetryPolicy {
  /** Attempts per call, the first included. */
  attempts: number;
  /** The first backoff; it doubles each time up to maxDelayMs, with ±50 % jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per attempt. */
  timeoutMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 250, maxDelayMs: 8000, timeoutMs: 60_000 };

export interface ClientOptions {
  credentials?: Credentials;
  /** Where a 401/403 tells people to set credentials; the environment when not given. */
  credentialSource?: CredentialSource;
  /** HTTPS without verification, or with a CA bundle, as MLflow's client allows. */
  tls?: TlsOptions;
  retry?: Partial<RetryPolicy>;
  /** Called before each retry, for the log. */
  onRetry?: (info: { what: string; attempt: number; delayMs: number; reason: string }) => void;
  /** Stops waiting between retries. */
  signal?: AbortSignal;
}

/** An answer of the server that says no (4xx other than 429), or retries that ran out. */
export class MlflowServerError extends Error {
  override readonly name = 'MlflowServerError';
  /** HTTP status, 0 when the server could not be reached. */
  readonly status: number;
  /** MLflow's error_code, e.g. RESOURCE_ALREADY_EXISTS. */
  readonly code: string | undefined;
  readonly retryable: boolean;
  constructor(message: string, status: number, code?: string, retryable = false) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryable = retryable;
  }
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501);
}

/**
 * MLflow answers a database connection pool that stayed full (SQLAlchemy's pool timeout, under
 * load from many clients) with 400 BAD_REQUEST, though it is a passing overload like a 503.
 */
function isServerOverload(status: number, text: string): boolean {
  return status === 400 && /QueuePool limit of size \d+ overflow \d+ reached/.test(text);
}

function delayFor(policy: RetryPolicy, attempt: number, retryAfter: string | null): number {
  const seconds = retryAfter ? Number(retryAfter) : Number.NaN;
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, policy.maxDelayMs * 4);
  const base = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return base * (0.5 + Math.random());
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** TLS failures are not passing faults: retrying cannot fix a certificate. */
const TLS_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|EPROTO|ERR_SSL/;

/** Why fetch failed, in words: refused, reset, unknown host, timeout. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'timed out';
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

export class MlflowClient {
  readonly baseUrl: string;
  private readonly policy: RetryPolicy;
  private readonly options: ClientOptions;
  private readonly authorization: string | undefined;
  private readonly httpsOptions: https.RequestOptions | undefined;
  /** Set once the server answered as MLflow does: a 404 after that means an MLflow too old for the endpoint. */
  private knownMlflow = false;

  constructor(trackingUri: string, options: ClientOptions = {}) {
    this.baseUrl = normalizeTrackingUri(trackingUri);
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.options = options;
    this.authorization = authorizationHeader(options.credentials);
    this.httpsOptions = options.tls && this.baseUrl.startsWith('https:') ? httpsAgentOptions(options.tls) : undefined;
  }

  /** Records that the server answered as MLflow does (see checkServer). */
  markMlflow(): void {
    this.knownMlflow = true;
  }

  /**
   * GET or POST one REST endpoint (`/api/2.0/mlflow/...` relative path), with retries. A call that
   * must not be repeated blindly (it creates something) passes `once`: it fails with a retryable
   * MlflowServerError instead, and the caller checks what landed before trying again.
   */
  async call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', endpoint: string, body?: unknown, options: { once?: boolean } = {}): Promise<T> {
    let url = `${this.baseUrl}/api/2.0/mlflow/${endpoint}`;
    let payload: string | undefined;
    if (method === 'GET' && body) url += `?${new URLSearchParams(body as Record<string, string>).toString()}`;
    else if (body !== undefined) payload = JSON.stringify(body);
    const text = await this.send(`${method} ${endpoint}`, url, { method, body: payload, headers: { 'content-type': 'application/json' } }, options.once ? 1 : this.policy.attempts);
    return (text ? parseJson(text, endpoint, this.baseUrl) : {}) as T;
  }

  /** Uploads one file through the server's artifact proxy (PUT /api/2.0/mlflow-artifacts/artifacts/<path>). */
  async putArtifact(artifactPath: string, content: Uint8Array<ArrayBuffer>): Promise<void> {
    const encoded = artifactPath.split('/').map(encodeURIComponent).join('/');
    await this.send(`upload ${artifactPath}`, `${this.baseUrl}/api/2.0/mlflow-artifacts/artifacts/${encoded}`, {
      method: 'PUT',
      body: content,
      headers: { 'content-type': 'application/octet-stream' },
    }, this.policy.attempts);
  }

  /** Sends with retries and returns the answer's body; a connection dropped while the body arrives is retried too. */
  private async send(what: string, url: string, init: { method: string; body: string | Uint8Array<ArrayBuffer> | undefined; headers: Record<string, string> }, attempts: number): Promise<string> {
    const headers = { ...init.headers, ...(this.authorization ? { authorization: this.authorization } : {}) };
    for (let attempt = 1; ; attempt++) {
      let reason: string;
      let retryAfter: string | null = null;
      let status = 0;
      try {
        const signals = [AbortSignal.timeout(this.policy.timeoutMs), ...(this.options.signal ? [this.options.signal] : [])];
        const request = { method: init.method, body: init.body, headers, signal: AbortSignal.any(signals) };
        const response = this.httpsOptions ? await httpsFetch(url, request, this.httpsOptions) : await fetch(url, request);
        if (response.ok) return await response.text();
        status = response.status;
        const text = await response.text().catch(() => '');
        const overloaded = isServerOverload(status, text);
        if (!isRetryableStatus(status) && !overloaded) throw this.refusal(what, status, text);
        retryAfter = response.headers.get('retry-after');
        reason = overloaded ? `HTTP ${status}, the server's database connections are all busy` : `HTTP ${status}`;
      } catch (error) {
        if (error instanceof MlflowServerError) throw error;
        if (this.options.signal?.aborted) throw this.options.signal.reason;
        reason = networkReason(error);
        if (/ENOTFOUND|EAI_AGAIN|ERR_INVALID_URL|Invalid URL|bad port/.test(reason)) throw new MlflowServerError(`Cannot reach ${this.baseUrl}: ${reason}. Check the tracking URI.`, 0);
        if (TLS_ERROR.test(reason)) {
          throw new MlflowServerError(
            `${this.baseUrl}: the TLS connection failed (${reason}). Give the server's CA bundle in MLFLOW_TRACKING_SERVER_CERT_PATH, or set MLFLOW_TRACKING_INSECURE_TLS=true to skip verification.`,
            0,
          );
        }
      }
      if (attempt >= attempts) {
        throw new MlflowServerError(`${what} at ${this.baseUrl} failed ${attempt} times (last: ${reason}). Nothing sent so far is lost: push again when the server is back.`, status, undefined, true);
      }
      const delayMs = delayFor(this.policy, attempt, retryAfter);
      this.options.onRetry?.({ what, attempt, delayMs, reason });
      await sleep(delayMs, this.options.signal);
    }
  }

  private refusal(what: string, status: number, text: string): MlflowServerError {
    let code: string | undefined;
    let message: string | undefined;
    try {
      const parsed = JSON.parse(text) as { error_code?: string; message?: string };
      code = parsed.error_code;
      message = parsed.message;
    } catch {
      // Not MLflow's JSON error shape; handled below.
    }
    if (status === 401 || status === 403) {
      return new MlflowServerError(`${this.baseUrl} refused ${what} (HTTP ${status}${message ? `: ${message}` : ''}). ${credentialHint(status, this.options.credentials, this.options.credentialSource)}`, status, code);
    }
    if (status === 404 && !code && this.knownMlflow) {
      return new MlflowServerError(`${this.baseUrl} is an MLflow server too old for ${what.replace(/^\w+ /, '')} (HTTP 404 on that endpoint): upgrade the server, or leave out what needs it.`, status, 'ENDPOINT_NOT_FOUND');
    }
    if (!code && (status === 404 || status === 405 || status === 501)) {
      return new MlflowServerError(`${this.baseUrl} has no ${what.replace(/^\w+ /, '')} endpoint (HTTP ${status}): it is not an MLflow tracking server, or an MLflow too old for it.`, status);
    }
    if (status === 413) return new MlflowServerError(`${this.baseUrl} refused ${what}: too large for the server or its proxy (HTTP 413).`, status, code);
    return new MlflowServerError(`${this.baseUrl} refused ${what} (HTTP ${status}${code ? ` ${code}` : ''}): ${(message ?? text).slice(0, 300).replace(/\s+/g, ' ')}`, status, code);
  }
}

function parseJson(text: string, endpoint: string, baseUrl: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new MlflowServerError(`${baseUrl} answered ${endpoint} with something other than JSON: it does not look like an MLflow tracking server.`, 200);
  }
}

/** http(s)://host[:port][/prefix] without a trailing slash; anything else is refused with a reason. */
export function normalizeTrackingUri(uri: string): string {
  let url: URL;
  try {
    url = new URL(uri.trim());
  } catch {
    throw new MlflowServerError(`"${uri}" is not a URL. Give the tracking server's address, e.g. http://mlflow.example.com:5000`, 0);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new MlflowServerError(`"${uri}" is not an http(s) tracking server URI. To push, give the server's address, e.g. http://mlflow.example.com:5000`, 0);
  }
  if (url.username || url.password) throw new MlflowServerError('Do not put credentials in the tracking URI; set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN) instead.', 0);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
