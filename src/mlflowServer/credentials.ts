/**
 * Credentials for a tracking server, as MLflow's own client reads them: a bearer token
 * (MLFLOW_TRACKING_TOKEN) or basic auth (MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD).
 * They go into the Authorization header only: never into the store, logs or the audit trail.
 */
export type Credentials = { kind: 'token'; token: string } | { kind: 'basic'; username: string; password: string };

/** The credentials in the environment, token first, as MLflow does. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): Credentials | undefined {
  if (env.MLFLOW_TRACKING_TOKEN) return { kind: 'token', token: env.MLFLOW_TRACKING_TOKEN };
  if (env.MLFLOW_TRACKING_USERNAME && env.MLFLOW_TRACKING_PASSWORD) {
    return { kind: 'basic', username: env.MLFLOW_TRACKING_USERNAME, password: env.MLFLOW_TRACKING_PASSWORD };
  }
  return undefined;
}

export function authorizationHeader(credentials: Credentials | undefined): string | undefined {
  if (!credentials) return undefined;
  if (credentials.kind === 'token') return `Bearer ${credentials.token}`;
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** What to tell someone whose request got 401 or 403. */
export function credentialHint(status: number, credentials: Credentials | undefined): string {
  if (status === 403) {
    return credentials
      ? `The ${credentials.kind === 'token' ? 'token' : `user "${credentials.username}"`} may not do this: ask the server's admin for permission on the experiment or model.`
      : 'Set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.';
  }
  if (!credentials) return 'The server needs credentials: set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD.';
  return credentials.kind === 'token'
    ? 'MLFLOW_TRACKING_TOKEN was not accepted: check or renew it.'
    : `MLFLOW_TRACKING_USERNAME "${credentials.username}" and MLFLOW_TRACKING_PASSWORD were not accepted: check them.`;
}
