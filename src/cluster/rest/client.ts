/** A small client of a strom process's loopback REST server (used by `strom list`, `cancel`...). */
import { request } from "node:http";

/** The answer of a REST call. */
export interface RestAnswer {
  /** The HTTP status. */
  readonly status: number;
  /** The parsed JSON body (null when empty or not JSON). */
  readonly body: unknown;
}

/** The server did not answer (refused, reset): the process is gone or not a strom process. */
export class RestUnreachableError extends Error {
  /** The system error code (ECONNREFUSED...). */
  readonly code: string;
  /** Creates the error for a call to `port` that failed with `code`. */
  constructor(port: number, code: string, cause: unknown) {
    super(`no strom REST server answers on 127.0.0.1:${port} (${code})`, { cause });
    this.code = code;
  }
}

/** Calls `method path` on the server at 127.0.0.1:`port` with an optional JSON body. */
export function restCall(
  port: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<RestAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        agent: false,
        headers: payload
          ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }
          : {},
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("error", reject);
        res.on("end", () => {
          let parsed: unknown;
          try {
            parsed = text === "" ? null : (JSON.parse(text) as unknown);
          } catch {
            parsed = null;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on("error", (e: NodeJS.ErrnoException) =>
      reject(new RestUnreachableError(port, e.code ?? e.message, e)),
    );
    req.end(payload);
  });
}

/** The first message of an `{"errors": [...]}` body, or a generic description of `answer`. */
export function errorMessage(answer: RestAnswer): string {
  const errors = (answer.body as { errors?: unknown } | null)?.errors;
  if (Array.isArray(errors) && typeof errors[0] === "string") return errors[0];
  return `the REST server answered HTTP ${answer.status}`;
}
