/**
 * The loopback REST server of a strom process (node:http on 127.0.0.1). It never keeps the
 * process alive: the listening socket is unref'd and every answer closes its connection. Its
 * discovery file is written when it listens and removed when it closes or the process exits.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handle, RestError, type HandlerOptions } from "./handlers.ts";
import { JobRegistry } from "./jobs.ts";
import { removeDiscovery, writeDiscovery } from "./discovery.ts";

/** Options of {@link startRestServer}. */
export interface RestServerOptions extends Partial<HandlerOptions> {
  /** Port on 127.0.0.1 (0: a random free port, the default). */
  readonly port?: number;
  /** Write a discovery file (default true). */
  readonly discovery?: boolean;
}

/** A running REST server. */
export interface RestServer {
  /** The port it listens on. */
  readonly port: number;
  /** The jobs it knows. */
  readonly jobs: JobRegistry;
  /** Stops listening and removes the discovery file. */
  close(): Promise<void>;
}

/** Largest request body accepted. */
const MAX_BODY = 64 * 1024;

function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      text += chunk;
      if (text.length > MAX_BODY) reject(new RestError(413, "request body too large"));
    });
    req.on("error", reject);
    req.on("end", () => {
      if (text.trim() === "") return resolve({});
      try {
        const v = JSON.parse(text) as unknown;
        if (typeof v !== "object" || v === null || Array.isArray(v))
          throw new Error("not an object");
        resolve(v as Record<string, unknown>);
      } catch {
        reject(new RestError(400, "the request body must be a JSON object"));
      }
    });
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    connection: "close",
  });
  res.end(text);
}

/** Starts the REST server; resolves once it listens (rejects naming the port if it cannot). */
export function startRestServer(options: RestServerOptions = {}): Promise<RestServer> {
  const jobs = new JobRegistry();
  const handlerOptions: HandlerOptions = {
    defaultSavepointDir: options.defaultSavepointDir ?? null,
  };
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const body = await readBody(req);
        const segments = url.pathname
          .split("/")
          .filter((s) => s !== "")
          .map(decodeURIComponent);
        const reply = await handle(
          { method: req.method ?? "GET", segments, query: url.searchParams, body },
          jobs,
          handlerOptions,
        );
        send(res, reply.status, reply.body);
      } catch (e) {
        const status = e instanceof RestError ? e.status : 500;
        send(res, status, { errors: [e instanceof Error ? e.message : String(e)] });
      }
    })();
  });
  server.keepAliveTimeout = 1;
  const requested = options.port ?? 0;
  return new Promise((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `cannot start the REST server on 127.0.0.1:${requested}: ${e.code ?? e.message}`,
          {
            cause: e,
          },
        ),
      ),
    );
    server.listen(requested, "127.0.0.1", () => {
      server.unref();
      const port = (server.address() as AddressInfo).port;
      const pid = process.pid;
      let discovered = false;
      const cleanup = () => {
        if (discovered) removeDiscovery(pid);
        discovered = false;
      };
      const onSignal = (signal: NodeJS.Signals) => {
        cleanup();
        // Keep the default behaviour of the signal when nobody else handles it.
        if (process.listenerCount(signal) === 0) process.kill(pid, signal);
      };
      const onTerm = () => {
        process.removeListener("SIGTERM", onTerm);
        onSignal("SIGTERM");
      };
      const onHup = () => {
        process.removeListener("SIGHUP", onHup);
        onSignal("SIGHUP");
      };
      if (options.discovery !== false) {
        writeDiscovery({ pid, port, startedAt: Date.now() });
        discovered = true;
        process.on("exit", cleanup);
        process.on("SIGTERM", onTerm);
        process.on("SIGHUP", onHup);
      }
      resolve({
        port,
        jobs,
        close: () =>
          new Promise<void>((done) => {
            cleanup();
            process.removeListener("exit", cleanup);
            process.removeListener("SIGTERM", onTerm);
            process.removeListener("SIGHUP", onHup);
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
