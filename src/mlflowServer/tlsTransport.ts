/**
 * HTTPS with the TLS choices MLflow's client offers (MLFLOW_TRACKING_INSECURE_TLS,
 * MLFLOW_TRACKING_SERVER_CERT_PATH), which Node's fetch cannot take: one request over node:https,
 * answered as a fetch Response so the client's retry logic stays the same.
 */
import * as fs from 'node:fs';
import * as https from 'node:https';

export interface TlsOptions {
  /** Do not verify the server's certificate or host name (MLFLOW_TRACKING_INSECURE_TLS). */
  insecure?: boolean;
  /** A CA bundle (PEM) to verify the server with (MLFLOW_TRACKING_SERVER_CERT_PATH). */
  serverCertPath?: string;
}

/** The TLS options in the environment, read and checked as MLflow does. */
export function tlsFromEnv(env: NodeJS.ProcessEnv): TlsOptions | undefined {
  const raw = env.MLFLOW_TRACKING_INSECURE_TLS;
  let insecure = false;
  if (raw !== undefined && raw !== '') {
    const lower = raw.toLowerCase();
    if (!['true', 'false', '1', '0'].includes(lower)) throw new Error(`MLFLOW_TRACKING_INSECURE_TLS must be one of true, false, 1, 0 (it is "${raw}").`);
    insecure = lower === 'true' || lower === '1';
  }
  const serverCertPath = env.MLFLOW_TRACKING_SERVER_CERT_PATH || undefined;
  if (insecure && serverCertPath) {
    throw new Error('MLFLOW_TRACKING_INSECURE_TLS and MLFLOW_TRACKING_SERVER_CERT_PATH are both set: set only one of them, as MLflow requires.');
  }
  if (!insecure && !serverCertPath) return undefined;
  return insecure ? { insecure } : { serverCertPath: serverCertPath! };
}

/** node:https's options for `tls`; the CA file is read here, so a wrong path names itself. */
export function httpsAgentOptions(tls: TlsOptions): https.RequestOptions {
  if (tls.insecure) return { rejectUnauthorized: false };
  if (!tls.serverCertPath) return {};
  let ca: Buffer;
  try {
    ca = fs.readFileSync(tls.serverCertPath);
  } catch (error) {
    throw new Error(`MLFLOW_TRACKING_SERVER_CERT_PATH ${tls.serverCertPath} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): give the path of the server's CA bundle (PEM).`, { cause: error });
  }
  return { ca, rejectUnauthorized: true };
}

export interface TransportRequest {
  method: string;
  body: string | Uint8Array<ArrayBuffer> | undefined;
  headers: Record<string, string>;
  signal: AbortSignal;
}

/** One HTTPS request with `options`; network failures reject as fetch's do (an Error whose cause has a code). */
export function httpsFetch(url: string, init: TransportRequest, options: https.RequestOptions): Promise<Response> {
  return new Promise((resolve, reject) => {
    const request = https.request(url, { ...options, method: init.method, headers: init.headers, signal: init.signal }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('error', (error) => reject(new TypeError('fetch failed', { cause: error })));
      answer.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(answer.headers)) {
          if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        const status = answer.statusCode ?? 0;
        const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
        resolve(new Response(body, { status, headers }));
      });
    });
    request.on('error', (error) => reject(init.signal.aborted && init.signal.reason instanceof Error ? init.signal.reason : new TypeError('fetch failed', { cause: error })));
    request.end(init.body);
  });
}
