/**
 * Web hygiene at the HTTP edge (issue 9): security headers, JSON-only request bodies, and, when
 * the server runs open (no `access`), only a loopback `Host` and a same-origin `Origin`, for HTTP
 * and for the Socket.IO handshake. Without tokens, these are what keeps a web page the operator
 * happens to open (DNS rebinding, a cross-site form or WebSocket) away from the API.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { DomainError } from '../contracts/errors.js';

/** A Host header value: a name or address, an optional port, nothing else. */
const HOST_VALUE = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * helmet, with a Content Security Policy the wall and the lead view run under: their own scripts,
 * styles and data: icons; fetch and Socket.IO (polling, then WebSocket) to the same origin only;
 * never framed. Referrer-Policy no-referrer, X-Content-Type-Options nosniff, X-Frame-Options DENY.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        // NOTE: 'unsafe-inline' for styles only: index.html paints the background before the
        // bundle loads with an inline <style>, and recharts sets style attributes as it measures
        // text. Scripts stay 'self' only, so injected markup still cannot run anything.
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        // TRICKY: CSP3 lets 'self' match ws: and wss: of the same host, older browsers do not:
        // the socket's own origin is named as well, when the Host header is a plain host.
        'connect-src': ["'self'", (req: IncomingMessage) => sameHostSockets(req.headers.host)],
        'frame-ancestors': ["'none'"],
        'form-action': ["'self'"],
        // Served over plain HTTP on loopback or behind a TLS proxy: upgrading would break the former.
        'upgrade-insecure-requests': null,
      },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS is the TLS terminator's to set: this server does not know whether it is behind one.
    strictTransportSecurity: false,
  });
}

function sameHostSockets(host: string | undefined): string {
  return host && HOST_VALUE.test(host) ? `ws://${host} wss://${host}` : '';
}

/** The media types a JSON endpoint accepts. */
export const JSON_MEDIA_TYPES: readonly string[] = ['application/json', 'application/x-ndjson'];
/** The media types the FHIR endpoints accept. */
export const FHIR_MEDIA_TYPES: readonly string[] = ['application/fhir+json', 'application/json'];

/**
 * 415 for a request body that is not JSON or NDJSON: `text/plain`, form encodings and
 * `multipart/form-data` are what any web page can POST cross-site without a preflight.
 */
export function jsonBodiesOnly(mediaTypes: readonly string[] = JSON_MEDIA_TYPES): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const type = req.headers['content-type'];
    const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
    if (type === undefined && !hasBody) return next();
    const media = type?.split(';')[0].trim().toLowerCase();
    if (media !== undefined && mediaTypes.includes(media)) return next();
    next(new DomainError('unsupported_type', `the body must be JSON: Content-Type ${mediaTypes.join(' or ')}`));
  };
}

/** The hostname and port of a Host header value; undefined when it is not a plain host. */
function parseHost(host: string | undefined): { name: string; port: string } | undefined {
  if (!host || !HOST_VALUE.test(host)) return undefined;
  const url = new URL(`http://${host}`);
  return { name: url.hostname.toLowerCase(), port: url.port };
}

/**
 * Why a request may not be served while the server runs open, or undefined when it may: the Host
 * must be a loopback name (127.0.0.1, localhost, [::1], any port), and an Origin, when there is
 * one, that same host and port.
 */
export function openModeRefusal(headers: IncomingHttpHeaders): string | undefined {
  const host = parseHost(headers.host);
  if (!host || !LOOPBACK_NAMES.has(host.name)) {
    return 'this server runs without access control and answers only to a loopback Host (127.0.0.1, localhost or [::1])';
  }
  const origin = headers.origin;
  if (origin === undefined) return undefined;
  let from: URL | undefined;
  try {
    from = new URL(origin);
  } catch {
    from = undefined; // "null" (sandboxed frames, file:) or garbage
  }
  const defaultPort = from?.protocol === 'https:' ? '443' : '80';
  const samePort = (from?.port || defaultPort) === (host.port || defaultPort);
  if (!from || (from.protocol !== 'http:' && from.protocol !== 'https:') || from.hostname.toLowerCase() !== host.name || !samePort) {
    return 'cross-origin requests are refused: this server runs without access control';
  }
  return undefined;
}

/** Express middleware for open mode: 403 for a foreign Host or Origin. */
export function loopbackOnly(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const why = openModeRefusal(req.headers);
    next(why === undefined ? undefined : new DomainError('forbidden', why));
  };
}

/** Socket.IO `allowRequest` for open mode: the handshake obeys the same rule as HTTP. */
export function allowSocketRequest(req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void {
  const why = openModeRefusal(req.headers);
  callback(why ?? null, why === undefined);
}
